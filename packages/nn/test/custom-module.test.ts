import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sigmoid, type Variable } from '@actgrad/autograd';
import { Tensor } from '@actgrad/tensor';
import {
  Activation, Adam, evaluate, fit, Linear, loadModelFile, loadStateDictFile, mlp, Module, moons, predict, saveModel,
  Sequential, SGD, Trainer, trainStep,
} from '../src/index.js';

const quiet = { quiet: true } as const;

/** A PyTorch-style model: layers in fields, found without registering them. */
class Net extends Module {
  fc1 = new Linear(2, 16, { seed: 1 });
  act = new Activation('tanh');
  fc2 = new Linear(16, 16, { seed: 2 });
  fc3 = new Linear(16, 1, { seed: 3 });
  forward(x: Variable): Variable {
    return this.fc3.forward(this.act.forward(this.fc2.forward(this.act.forward(this.fc1.forward(x))))).sigmoid();
  }
}

/** The same model declaring its output activation, so the loss can fuse with it. */
class DeclaredNet extends Net {
  readonly outputActivation = 'sigmoid';
  forwardLogits(x: Variable): Variable {
    return this.fc3.forward(this.act.forward(this.fc2.forward(this.act.forward(this.fc1.forward(x)))));
  }
  override forward(x: Variable): Variable {
    return sigmoid(this.forwardLogits(x));
  }
}

const weights = (m: Module) => m.parameters().map((p) => Array.from(p.data.contiguous().data));

describe('a Module subclass trains like a Sequential', () => {
  it('finds parameters in fields (and arrays of modules) under their field names', () => {
    expect(new Net().namedParameters().map(([n]) => n)).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias', 'fc3.weight', 'fc3.bias']);
    class Stack extends Module {
      blocks = [new Linear(2, 3), new Linear(3, 1, { bias: false })];
      forward(x: Variable) {
        return this.blocks[1].forward(this.blocks[0].forward(x));
      }
    }
    expect(new Stack().namedParameters().map(([n]) => n)).toEqual(['blocks.0.weight', 'blocks.0.bias', 'blocks.1.weight']);
  });

  it('with a declared output activation, fit fuses the loss and matches the equivalent Sequential bit for bit', () => {
    const net = new DeclaredNet();
    const seq = new Sequential([net.fc1, new Activation('tanh'), net.fc2, new Activation('tanh'), net.fc3, new Activation('sigmoid')]);
    // Same initial weights, separate storage: load the custom model's state into a fresh Sequential.
    const seqFresh = mlp({ sizes: [2, 16, 16, 1], hidden: 'tanh', output: 'sigmoid', seed: 9 });
    const names = seqFresh.namedParameters().map(([n]) => n);
    const dict = Object.fromEntries(Object.values(seq.stateDict()).map((t, i) => [names[i], t]));
    seqFresh.loadStateDict(dict);
    expect(new Trainer(net, { loss: 'binaryCrossEntropy', optimizer: new SGD(net) }).head.fused).toBe(true);

    const data = moons({ n: 200, noise: 0.1, seed: 1 });
    const opts = { loss: 'binaryCrossEntropy', epochs: 25, batchSize: 16, seed: 3, ...quiet };
    const rNet = fit(net, data, { ...opts, optimizer: new Adam(net, { lr: 0.02 }) });
    const rSeq = fit(seqFresh, data, { ...opts, optimizer: new Adam(seqFresh, { lr: 0.02 }) });
    expect(rNet.series('loss')).toEqual(rSeq.series('loss'));
    expect(weights(net)).toEqual(weights(seqFresh));
    expect(evaluate(net, moons({ n: 300, noise: 0.1, seed: 2 }), { loss: 'binaryCrossEntropy' }).accuracy).toBeGreaterThan(0.95);
  });

  it('without a declaration, the loss runs unfused and the pairing check says what it could not check', () => {
    const net = new Net();
    const warnings: string[] = [];
    const trainer = new Trainer(net, { loss: 'binaryCrossEntropy', optimizer: new SGD(net) });
    expect(trainer.head.fused).toBe(false);
    const r = fit(net, moons({ n: 200, seed: 1 }), { loss: 'binaryCrossEntropy', optimizer: new Adam(net, { lr: 0.02 }), epochs: 15, onWarning: (m) => warnings.push(m), ...quiet });
    expect(warnings).toEqual([
      "fit: the model (Net) declares no output activation, so loss 'binaryCrossEntropy' is computed unfused and its pairing with the output " +
        '(probabilities, target range) could not be checked; declare it with an `outputActivation` property (and `forwardLogits(x)` to fuse the loss)',
    ]);
    expect(r.history[14].metrics.accuracy).toBeGreaterThan(0.9);
    // Checks that need no output activation still run.
    expect(() => fit(net, { x: [[0, 0], [1, 1]], y: [0, 2] }, { loss: 'binaryCrossEntropy', optimizer: 'sgd', onWarning: () => {}, ...quiet })).toThrow(
      "fit: loss 'binaryCrossEntropy' expects targets in [0, 1]; got values in [0, 2]",
    );
  });

  it('predict equals forward, evaluate and trainStep work, and a Sequential of custom modules trains', () => {
    const net = new DeclaredNet();
    const x = [[0.5, -1], [2, 0.25], [-1, 1]];
    expect(Array.from(predict(net, x).data)).toEqual(Array.from(net.call(x).data.data));
    const loss = trainStep(net, new Tensor(Float32Array.from([0.5, -1, 2, 0.25]), [2, 2]), new Tensor(Float32Array.from([1, 0]), [2]), { loss: 'mse', optimizer: new SGD(net, { lr: 0.1 }) });
    expect(loss).toBeGreaterThan(0);
    // A Sequential with no Linear layer of its own: it used to fail with "model has no Linear layer".
    const wrapped = new Sequential([new Net()]);
    const r = fit(wrapped, moons({ n: 100, seed: 1 }), { loss: 'mse', optimizer: 'adam', epochs: 2, onWarning: () => {}, ...quiet });
    expect(r.history).toHaveLength(2);
    expect(Object.keys(evaluate(wrapped, moons({ n: 50, seed: 4 }), { loss: 'mse', onWarning: () => {} }))).toEqual(['loss', 'r2']);
  });

  it('saves its state dict and loads into a freshly constructed instance; loadModelFile explains what the file is', async () => {
    const net = new DeclaredNet();
    fit(net, moons({ n: 100, seed: 1 }), { loss: 'binaryCrossEntropy', optimizer: 'adam', epochs: 2, ...quiet });
    const dir = await mkdtemp(join(tmpdir(), 'actgrad-custom-'));
    const path = join(dir, 'net.json');
    await saveModel(net, path);
    expect(JSON.parse(await readFile(path, 'utf8')).format).toBe('actgrad-state-dict');
    const fresh = new DeclaredNet();
    fresh.fc1.weight.data.data.fill(0);
    expect(await loadStateDictFile(fresh, path)).toEqual({ missing: [], unexpected: [] });
    expect(weights(fresh)).toEqual(weights(net));
    const x = moons({ n: 20, seed: 5 }).x;
    expect(Array.from(predict(fresh, x).data)).toEqual(Array.from(predict(net, x).data));
    await expect(loadModelFile(path)).rejects.toThrow(
      `loadModel: the file holds a state dict (weights without layers); construct the model and call loadStateDictFile(model, path) (file ${path})`,
    );
  });
});

describe('a custom model that cannot train is told what is missing', () => {
  const data = { x: [[0, 1], [1, 0]], y: [0, 1] };
  const opts = { loss: 'mse', optimizer: 'sgd', ...quiet } as const;

  it('no forward, no parameters, not a Module', () => {
    // What plain JavaScript allows: a subclass that forgot forward.
    const Base = Module as unknown as new () => object;
    class NoForward extends Base {
      fc = new Linear(2, 1);
    }
    const noForward = new NoForward() as unknown as Module;
    expect(() => fit(noForward, data, opts)).toThrow('fit: the model (NoForward) has no forward(x) method; a Module subclass must define forward(x: Variable): Variable');
    class Empty extends Module {
      forward(x: Variable) {
        return x;
      }
    }
    expect(() => fit(new Empty(), data, opts)).toThrow(
      'fit: the model (Empty) has no parameters to train; assign its layers to fields (this.fc = new Linear(2, 8)) or override children() / ownParameters()',
    );
    expect(() => new Trainer(new Empty(), { loss: 'mse', optimizer: new SGD([new Linear(1, 1).weight]) })).toThrow('Trainer: the model (Empty) has no parameters');
    expect(() => predict({ forward: (x: Variable) => x } as unknown as Module, [[1]])).toThrow('predict: the model must be a Module (mlp(…), a Sequential or a Module subclass); got Object');
  });

  it('a forward that fails or returns the wrong shape is reported with the shapes', () => {
    class Wide extends Module {
      fc = new Linear(3, 1);
      forward(x: Variable) {
        return this.fc.forward(x);
      }
    }
    expect(() => fit(new Wide(), data, opts)).toThrow(
      'fit: the model (Wide) failed on a batch of x of shape [1,2]: Linear(3 → 1): expected input [batch, 3]; got [1,2]',
    );
    class Flat extends Module {
      fc = new Linear(2, 1);
      forward(x: Variable) {
        return this.fc.forward(x).reshape([-1]);
      }
    }
    expect(() => evaluate(new Flat(), data)).toThrow('evaluate: the model (Flat) returned shape [1] for a batch of shape [1,2]; forward must return [batch, outputs]');
  });
});
