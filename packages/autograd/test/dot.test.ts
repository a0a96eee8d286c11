import { tensor } from '@actgrad/tensor';
import { describe, expect, it } from 'vitest';
import { affine, parameter, toDot, variable } from '../src/index.js';

function graph() {
  const x = variable(tensor([[1, 2, 3]]));
  const w = parameter(tensor([[0.5], [-1], [2]]), { name: 'weight' });
  const h = x.matmul(w);
  const y = h.add(h.exp()).sum(); // h used twice
  return { x, w, h, y };
}

describe('toDot', () => {
  it('draws one box per value and one ellipse per op, inputs into ops into outputs', () => {
    const { y } = graph();
    const dot = toDot(y);
    expect(dot.startsWith('digraph actgrad {')).toBe(true);
    expect(dot.match(/shape=box/g)).toHaveLength(6); // x, weight, h, e^h, h + e^h, sum
    expect([...dot.matchAll(/shape=ellipse, style=filled, fillcolor="#dbe8f6", label="(\w+)"/g)].map((m) => m[1]).sort()).toEqual(['add', 'exp', 'matmul', 'sum']);
    expect(dot).toContain('label="weight  [3, 1] float32"');
    expect(dot).toContain('label="input  [1, 3] float32"');
    expect(dot).toContain('label="output  [] float32"');
  });

  it('draws a value used twice once, with an edge into each use', () => {
    const { y } = graph();
    const dot = toDot(y);
    const hBox = /(v\d+) \[shape=box[^\n]*label="matmul  \[1, 1\]/.exec(dot)![1]!;
    const uses = dot.split('\n').filter((l) => l.trim().startsWith(`${hBox} -> `));
    expect(dot.match(new RegExp(`${hBox} \\[shape=box`, 'g'))).toHaveLength(1);
    const addOp = /(v\d+)_op \[shape=ellipse[^\n]*label="add"/.exec(dot)![1]!;
    const expOp = /(v\d+)_op \[shape=ellipse[^\n]*label="exp"/.exec(dot)![1]!;
    expect(uses.map((l) => l.trim()).sort()).toEqual([`${hBox} -> ${addOp}_op;`, `${hBox} -> ${expOp}_op;`].sort());
  });

  it('draws a fused layer as one affine op fed by the input, weight and bias', () => {
    const x = variable(tensor([[1, 2, 3]]));
    const w = parameter(tensor([[0.5], [-1], [2]]), { name: 'weight' });
    const b = parameter(tensor([0.1]), { name: 'bias' });
    const dot = toDot(affine(x, w, b).relu().sum());
    expect([...dot.matchAll(/shape=ellipse, style=filled, fillcolor="#dbe8f6", label="(\w+)"/g)].map((m) => m[1]).sort()).toEqual(['affine', 'relu', 'sum']);
    const op = /(v\d+)_op \[shape=ellipse[^\n]*label="affine"/.exec(dot)![1]!;
    const feeding = dot.split('\n').filter((l) => l.trim().endsWith(`-> ${op}_op;`)).map((l) => l.trim().split(' ')[0]!);
    const label = (id: string) => new RegExp(`${id} \\[shape=box[^\\n]*label="(\\w+)`).exec(dot)![1];
    expect(feeding.map(label)).toEqual(['input', 'weight', 'bias']);
  });

  it('marks which values need a gradient', () => {
    const { y } = graph();
    const dot = toDot(y);
    expect(dot).toMatch(/fillcolor="#fde7c8", label="weight/);
    expect(dot).toMatch(/fillcolor="#eeeeee", label="input/);
  });

  it('optionally prints values and, after backward, gradients', () => {
    const { w, y } = graph();
    y.backward(undefined, { retainGraph: true });
    // h = 1·0.5 − 2 + 6 = 4.5; y = h + e^h = 94.517; ∂y/∂w = (1 + e^h)·xᵀ = 91.017·[1, 2, 3]
    const dot = toDot(y, { values: true, grads: true, maxElements: 2 });
    expect(dot).toContain('data [94.52]');
    expect(dot).toContain('data [0.5, -1, …]');
    expect(dot).toContain('grad [91.02, 182, …]');
    expect(w.grad!.toArray()).toEqual([[expect.closeTo(91.017, 2)], [expect.closeTo(182.034, 2)], [expect.closeTo(273.051, 2)]]);
    expect(toDot(y)).not.toContain('grad [');
  });

  it('escapes quotes in names and says how to draw a graph that backward freed', () => {
    const a = parameter(tensor([1, 2]), { name: 'say "hi"' });
    const s = a.sum();
    expect(toDot(s)).toContain('label="say \\"hi\\"  [2] float32"');
    s.backward();
    expect(() => toDot(s)).toThrow("toDot: the graph through 'sum' was freed by backward(); draw it before backward, or pass { retainGraph: true } to backward()");
  });
});
