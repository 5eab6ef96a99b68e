// Date-time picker values ("2030-01-02T15:00" in a chosen IANA zone) to an instant with an offset, as
// the schedule endpoint requires: a naive time would be ambiguous.

/** Minutes east of UTC of `zone` at the instant `date`. */
export function zoneOffsetMinutes(zone, date) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-US", {
    timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(date).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60000);
}

/** "2030-01-02T15:00" read in `zone` → "2030-01-02T15:00:00+01:00". */
export function localToOffsetIso(local, zone) {
  const [datePart, timePart] = local.split("T");
  const [y, mo, d] = datePart.split("-").map(Number);
  const [hh, mm] = timePart.split(":").map(Number);
  const wall = Date.UTC(y, mo - 1, d, hh, mm);
  // Two passes settle the offset next to a daylight-saving change.
  let offset = zoneOffsetMinutes(zone, new Date(wall));
  offset = zoneOffsetMinutes(zone, new Date(wall - offset * 60000));
  const sign = offset >= 0 ? "+" : "-";
  const abs = Math.abs(offset);
  const pad = (n) => String(n).padStart(2, "0");
  return `${datePart}T${pad(hh)}:${pad(mm)}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The value for a datetime-local input showing `date` in `zone`. */
export function toLocalInput(date, zone) {
  const shifted = new Date(date.getTime() + zoneOffsetMinutes(zone, date) * 60000);
  return shifted.toISOString().slice(0, 16);
}

export function browserZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

export function zones() {
  try { return Intl.supportedValuesOf("timeZone"); } catch { return [browserZone(), "UTC"]; }
}
