import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Counts } from '../stats/rates';
import { SERIES } from '../stats/series';

/** Narrower than this, the chart is shorter, so the table below it stays in reach on a phone. */
const NARROW_PX = 640;
const heightFor = (width: number) => (width < NARROW_PX ? 220 : 320);

export type Bucket = Counts & { start: string };

const HOUR_S = 3600;
const DAY_S = 24 * HOUR_S;
const HOUR_TICKS = [1, 2, 3, 6, 12].map((n) => n * HOUR_S).concat([1, 2, 7, 14].map((n) => n * DAY_S));
const DAY_TICKS = [1, 2, 7, 14, 28].map((n) => n * DAY_S);
const hourTick = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayTick = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
/** A tick's label: the time of day for hours (the date too at midnight), the date for days. */
const tickLabel = (interval: 'hour' | 'day') => (seconds: number) => {
  const date = new Date(seconds * 1000);
  if (interval === 'day') return dayTick.format(date);
  return date.getHours() === 0 ? `${dayTick.format(date)}\n${hourTick.format(date)}` : hourTick.format(date);
};

/**
 * The stats as lines on a canvas (uPlot), as wide as its container and resized with it; a legend of
 * buttons shows or hides each line. The canvas says nothing to a screen reader: the page's table
 * carries the same numbers.
 */
export function StatsChart({ buckets, interval }: { buckets: Bucket[]; interval: 'hour' | 'day' }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());

  const data = (): uPlot.AlignedData => [
    buckets.map((b) => Date.parse(b.start) / 1000),
    ...SERIES.map((s) => buckets.map((b) => b[s.key])),
  ];

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = el.clientWidth;
    const u = new uPlot(
      {
        width,
        height: heightFor(width),
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(4, max)] } },
        axes: [
          // Ticks on whole buckets only, labelled as the table labels them (uPlot's own format is en-US).
          {
            incrs: interval === 'hour' ? HOUR_TICKS : DAY_TICKS,
            values: (_u, ticks) => ticks.map(tickLabel(interval)),
          },
          { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 50_000, 100_000] },
        ],
        series: [
          {},
          ...SERIES.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            dash: s.dash,
            points: { show: buckets.length <= 48 },
          })),
        ],
      },
      data(),
      el,
    );
    chart.current = u;
    // Follow the container's width (window resizes, a phone turned sideways).
    const observer = new ResizeObserver(() => {
      const w = el.clientWidth;
      if (w > 0 && w !== u.width) u.setSize({ width: w, height: heightFor(w) });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      u.destroy();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setData(data());
  }, [buckets]);

  const toggle = (key: string, index: number) => {
    const next = new Set(hidden);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    setHidden(next);
    chart.current?.setSeries(index + 1, { show: !next.has(key) });
  };

  return (
    <figure class="stats-chart">
      <div ref={box} class="chart-box" aria-hidden="true" />
      <figcaption>
        <ul class="legend" aria-label="Lines on the chart">
          {SERIES.map((s, i) => (
            <li key={s.key}>
              <button
                type="button"
                class="legend-item"
                aria-pressed={!hidden.has(s.key)}
                onClick={() => toggle(s.key, i)}
              >
                <span class={`swatch${s.dash ? ' dashed' : ''}`} style={{ borderColor: s.color }} />
                {s.label}
              </button>
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
