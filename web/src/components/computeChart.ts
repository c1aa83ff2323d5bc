// Compute over time (Chart.js, canvas): cumulative training operations of the account and of its
// linked group, on a log scale, against the reporting threshold's tiers.

import {
  CategoryScale,
  Chart,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  LogarithmicScale,
  PointElement,
  Tooltip,
} from "chart.js";

Chart.register(
  CategoryScale,
  LinearScale,
  LogarithmicScale,
  LineController,
  LineElement,
  PointElement,
  Legend,
  Tooltip,
);

export interface DayPoint {
  day: string;
  flop_high: number;
  flop_central: number;
  flop_upper_bound: number;
}
export type Estimate = "flop_high" | "flop_central" | "flop_upper_bound";
export interface Tier {
  name: string;
  threshold_ops: number;
}

function cumulative(days: string[], series: DayPoint[], key: Estimate) {
  const by = new Map(series.map((p) => [p.day, p[key]]));
  let sum = 0;
  return days.map((d) => (sum += by.get(d) ?? 0) || null);
}

export function drawComputeChart(
  canvas: HTMLCanvasElement,
  account: DayPoint[],
  group: DayPoint[] | null,
  tiers: Tier[],
  estimate: Estimate,
): Chart {
  const days = Array.from(new Set([...account, ...(group ?? [])].map((p) => p.day))).sort();
  const palette = ["#d29922", "#db6d28", "#cf222e", "#8250df"];
  const top = Math.max(
    ...cumulative(days, account, estimate).map((x) => x ?? 0),
    ...(group ? cumulative(days, group, estimate).map((x) => x ?? 0) : [0]),
  );
  // Show the tiers up to the first one above the data, so the gap to it reads at a glance.
  const shown = tiers.filter((t, i) => t.threshold_ops <= top * 10 || i === 0);
  const chart = new Chart(canvas, {
    type: "line",
    data: {
      labels: days,
      datasets: [
        {
          label: "this account",
          data: cumulative(days, account, estimate),
          borderColor: "#1f6feb",
          pointRadius: 0,
          borderWidth: 2,
        },
        ...(group
          ? [
              {
                label: "linked group",
                data: cumulative(days, group, estimate),
                borderColor: "#2da44e",
                pointRadius: 0,
                borderWidth: 2,
              },
            ]
          : []),
        ...shown.map((t, i) => ({
          label: `tier ${t.name} (${t.threshold_ops.toExponential(0)})`,
          data: days.map(() => t.threshold_ops),
          borderColor: palette[i % palette.length],
          borderDash: [6, 4],
          pointRadius: 0,
          borderWidth: 1,
        })),
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      scales: {
        y: {
          type: "logarithmic",
          title: { display: true, text: `operations, cumulative (${estimate.replace("flop_", "")} estimate)` },
        },
        x: { ticks: { maxTicksLimit: 10 } },
      },
      plugins: {
        legend: { position: "bottom" },
        tooltip: {
          callbacks: {
            label: (ctx) => `${ctx.dataset.label}: ${Number(ctx.parsed.y).toExponential(2)}`,
          },
        },
      },
    },
  });
  canvas.setAttribute("data-points", String(days.length));
  canvas.setAttribute("data-datasets", String(chart.data.datasets.length));
  return chart;
}
