// Chart.js (vendored UMD build, loaded on first use so pages without charts never fetch it).
let loading = null;

export function loadChart() {
  if (window.Chart) return Promise.resolve(window.Chart);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = "/vendor/chart.umd.min.js";
      script.onload = () => resolve(window.Chart);
      script.onerror = () => reject(new Error("chart library failed to load"));
      document.head.append(script);
    });
  }
  return loading;
}

/**
 * A chart in a labelled canvas (its aria-label says what it shows).
 * @param {HTMLElement} container
 * @param {{ type: string, labels: string[], datasets: object[], label: string, yMin?: number, yMax?: number }} options
 */
export async function chart(container, { type, labels, datasets, label, yMin = undefined, yMax = undefined }) {
  const Chart = await loadChart();
  const canvas = document.createElement("canvas");
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", label);
  const box = document.createElement("div");
  box.className = "chart-box";
  box.append(canvas);
  container.append(box);
  return new Chart(canvas, {
    type,
    data: { labels, datasets },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      scales: { y: { min: yMin, max: yMax } },
      plugins: { legend: { display: datasets.length > 1 } },
    },
  });
}
