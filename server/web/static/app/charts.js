// Bar charts as plain SVG, drawn from the same rows as the table printed beside them: one bar per row
// (stacked when a row is split), an optional target line, and a scale. No charting library: the
// chart is drawn at the width it is shown, so its words keep the size of the page's words.
import { html, useEffect, useRef, useState } from "preact";

// Colours of the parts of a split bar, dark enough against white (≥ 3:1) and told apart by the legend.
export const PART_COLOURS = ["#1f6f43", "#b35c00", "#3f5f99", "#6b6b6b"];

const WIDE = 480;
const VALUE_ROOM = 64;
const TARGET_ROOM = 26;
const AXIS = 26;

// The width an element is shown at, followed as the window or the page changes.
function useWidth(fallback) {
  const box = useRef(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const element = box.current;
    if (!element || typeof ResizeObserver === "undefined") return undefined;
    const observer = new ResizeObserver(([entry]) => {
      const shown = Math.floor(entry.contentRect.width);
      if (shown > 0) setWidth(shown);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [box, width];
}

// How wide a label is drawn, measured in the chart's own font (a canvas measures without drawing).
let ruler;
function textWidth(text) {
  ruler ??= Object.assign(document.createElement("canvas").getContext("2d"),
    { font: '14px system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif' });
  return ruler.measureText(text).width;
}

// The label as it fits in `room` pixels: whole, or cut with "…".
function clipped(text, room) {
  if (textWidth(text) <= room) return text;
  let letters = text.length;
  while (letters > 1 && textWidth(`${text.slice(0, letters)}…`) > room) letters -= 1;
  return `${text.slice(0, letters).trimEnd()}…`;
}

// A scale that ends on a round number at or above `top`: 10, 20, 50, 100, 200…
export function roundUp(top) {
  if (top <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(top));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * power >= top);
  return step * power;
}

// rows: [{label, value, parts?: [numbers], text}]; `max` ends the scale, `target` draws its line,
// `ticks` are the values marked under the bars, `format` writes a value; `legend` goes under the bars.
export function BarChart({ id, title, description, rows, max, target, targetLabel, ticks = [], format = String, legend }) {
  const [box, width] = useWidth(328);
  // Labels beside the bars when the chart is wide enough for them, else above their bar.
  const longest = width >= WIDE ? Math.max(60, ...rows.map((row) => textWidth(row.label))) : Infinity;
  const wide = longest + 10 <= width * 0.4;
  const labelRoom = wide ? Math.ceil(longest) + 12 : 0;
  const rowHeight = wide ? 32 : 46;
  const barHeight = wide ? 20 : 18;
  const left = labelRoom;
  const room = Math.max(40, width - left - VALUE_ROOM);
  const x = (value) => left + (Math.min(value, max) / max) * room;
  const head = target === undefined ? 6 : TARGET_ROOM;
  const height = head + rows.length * rowHeight + AXIS;
  const titleId = `${id}-title`;
  const descriptionId = `${id}-description`;
  return html`<figure class="chart" ref=${box}>
    <figcaption id=${`${id}-caption`}>${title}</figcaption>
    <svg role="img" aria-labelledby=${`${id}-caption`} aria-describedby=${description ? descriptionId : null} width=${width} height=${height}
      viewBox=${`0 0 ${width} ${height}`} focusable="false">
      <title id=${titleId}>${title}</title>
      ${description && html`<desc id=${descriptionId}>${description}</desc>`}
      ${ticks.map((tick) => html`<g class="tick">
        <line x1=${x(tick)} x2=${x(tick)} y1=${head - 4} y2=${height - AXIS + 4} />
        <text x=${x(tick)} y=${height - 6} text-anchor=${tick === 0 ? "start" : "middle"}>${format(tick)}</text>
      </g>`)}
      ${rows.map((row, index) => {
        const top = head + index * rowHeight;
        const barTop = wide ? top + (rowHeight - barHeight) / 2 : top + rowHeight - barHeight - 4;
        const parts = row.parts || [row.value];
        let start = 0;
        return html`<g class="bar-row">
          <text class="bar-label" x=${wide ? labelRoom - 8 : 0} y=${wide ? barTop + barHeight - 5 : top + 16}
            text-anchor=${wide ? "end" : "start"}>${clipped(row.label, wide ? labelRoom - 10 : width - VALUE_ROOM)}</text>
          <rect class="track" x=${left} y=${barTop} width=${room} height=${barHeight} />
          ${parts.map((part, partIndex) => {
            const from = x(start);
            start += part;
            return part > 0 && html`<rect x=${from} y=${barTop} width=${Math.max(1.5, x(start) - from)} height=${barHeight}
              fill=${PART_COLOURS[partIndex % PART_COLOURS.length]} />`;
          })}
          <text class="value" x=${x(row.value) + 6} y=${barTop + barHeight - 5}>${row.text ?? format(row.value)}</text>
        </g>`;
      })}
      ${target !== undefined && html`<g class="target">
        <line x1=${x(target)} x2=${x(target)} y1=${head - 6} y2=${height - AXIS + 4} />
        <text x=${x(target)} y=${head - 10} text-anchor="middle">${targetLabel}</text>
      </g>`}
    </svg>
    ${legend}
  </figure>`;
}

// What the colours of a split bar mean.
export function Legend({ names }) {
  return html`<ul class="legend">${names.map((name, index) => html`<li>
    <svg class="swatch" viewBox="0 0 10 10" aria-hidden="true" focusable="false">
      <rect width="10" height="10" fill=${PART_COLOURS[index % PART_COLOURS.length]} /></svg>${name}</li>`)}</ul>`;
}

// One share against its target, as a thick bar: the headline figure of a report, drawn to scale.
export function Gauge({ label, value, target, max = 100 }) {
  const at = (share) => (Math.min(share, max) / max) * 100;
  return html`<svg class="gauge" role="img" aria-label=${label} viewBox="0 0 100 10" preserveAspectRatio="none" focusable="false">
    <rect class="track" width="100" height="10" />
    <rect width=${Math.max(at(value), value > 0 ? 0.6 : 0)} height="10" fill=${PART_COLOURS[0]} />
    ${target !== undefined && html`<line class="target" x1=${at(target)} x2=${at(target)} y1="0" y2="10" vector-effect="non-scaling-stroke" />`}
  </svg>`;
}
