#!/usr/bin/env bash
# One-time set-up of a real Firebase / Google Cloud project, then deploy.
# Usage: infra/setup.sh PROJECT_ID [REGION]     (needs gcloud and a logged-in account with Owner/Editor)
set -euo pipefail
PROJECT=${1:?usage: infra/setup.sh PROJECT_ID [REGION]}
REGION=${2:-us-central1}
cd "$(dirname "$0")/.."

echo "== enabling APIs"
gcloud services enable --project "$PROJECT" \
  cloudfunctions.googleapis.com run.googleapis.com cloudbuild.googleapis.com artifactregistry.googleapis.com \
  firestore.googleapis.com pubsub.googleapis.com cloudtasks.googleapis.com eventarc.googleapis.com \
  cloudscheduler.googleapis.com identitytoolkit.googleapis.com secretmanager.googleapis.com

echo "== Firestore (native mode) in $REGION, if missing"
gcloud firestore databases describe --project "$PROJECT" >/dev/null 2>&1 \
  || gcloud firestore databases create --project "$PROJECT" --location "$REGION"

echo "== TTL policies: counters and idempotency records delete themselves (field expiresAt)"
for group in rateLimits idempotencyKeys; do
  gcloud firestore fields ttls update expiresAt --collection-group="$group" --enable-ttl --project "$PROJECT" --async
done
# Room presence documents (client-written) expire within a minute (field expireAt).
gcloud firestore fields ttls update expireAt --collection-group=presence --enable-ttl --project "$PROJECT" --async

echo "== deploy (predeploy bundles shared/ into functions/)"
npx firebase deploy --project "$PROJECT" --only functions,firestore,hosting
