import { CLUSTER_COLOURS } from './svg-maps.js';

/** The page's one stylesheet (inline, allowed by its hash in the Content-Security-Policy). */
export const PAGE_STYLE = `
:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --pass: #1a7f37; --warn: #9a6700; --fail: #d1242f; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); margin: 0 auto; max-width: 1280px; padding: 20px 28px 60px; }
h1 { font-size: 22px; margin: 0 0 6px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 12px; color: #fff; font-weight: 600; margin-right: 8px; }
.badge.pass { background: var(--pass); } .badge.warn { background: var(--warn); } .badge.fail { background: var(--fail); }
table { border-collapse: collapse; margin: 6px 0; } th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.muted, figcaption, .note { color: var(--muted); }
.maps { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 14px; }
.map { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 6px; }
.map-svg { width: 100%; height: auto; display: block; background: #fbfcfd; }
circle.p { stroke: none; opacity: 0.8; cursor: pointer; }
circle.p.worst { stroke: #000; stroke-width: 30; opacity: 1; }
circle.p.old { fill-opacity: 0.15; }
circle.p.hl { stroke: #000; stroke-width: 45; opacity: 1; }
line.move { stroke: #444; stroke-width: 18; opacity: 0.6; }
${CLUSTER_COLOURS.map((colour, i) => `.c${i} { fill: ${colour}; } .legend .c${i} { background: ${colour}; }`).join('\n')}
.legend span.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 5px; margin: 0 4px 0 10px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 14px; }
.chart { width: 100%; height: auto; }
.chart rect.bar { fill: #4e79a7; } .chart text { font-size: 11px; fill: var(--ink); }
.chart .tick { text-anchor: middle; } .chart .bar-label { text-anchor: end; } .chart .axis { fill: var(--muted); }
.chart line.limit { stroke-width: 2; stroke-dasharray: 5 3; } .chart line.warn { stroke: var(--warn); } .chart line.fail { stroke: var(--fail); } .chart line.mean { stroke: var(--ink); stroke-dasharray: none; }
.chart text.warn { fill: var(--warn); } .chart text.fail { fill: var(--fail); }
#tooltip { position: absolute; max-width: 360px; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 6px 8px; box-shadow: 0 2px 8px rgba(0,0,0,0.15); pointer-events: none; word-wrap: break-word; }
#neighbours { border: 1px solid var(--line); border-radius: 6px; padding: 4px 12px; min-height: 40px; margin-top: 10px; }
`;
