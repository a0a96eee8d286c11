import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

let chartCount = 0;

/**
 * Compiles a Vega-Lite spec and renders it to an SVG string in Node, with no canvas and no
 * network: vega's headless `View` with the `none` renderer estimates text widths itself.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    const svg = await view.toSVG();
    return scopeIds(svg, `c${++chartCount}`);
  } finally {
    view.finalize();
  }
}

/**
 * vega numbers its clip paths and gradients with module-wide counters that several renderers
 * may reset; several SVGs inlined in one page must not share an id, or one chart clips
 * another's marks. Prefixing every id with a per-chart key keeps them apart.
 */
function scopeIds(svg: string, key: string): string {
  return svg.replace(/(id="|url\(#|href="#)((?:clip|gradient_)\d+)/g, `$1${key}-$2`);
}
