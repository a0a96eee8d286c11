import { describe, expect, it } from 'vitest';
import { checkName, HelpRequested, listNames, parseArgv, UsageError, type OptionTable } from '../src/cli/argv.js';

const table: OptionTable = {
  epochs: { kind: 'int', positive: true, value: 'N', help: 'epochs' },
  lr: { kind: 'number', positive: true, value: 'X', help: 'learning rate' },
  shift: { kind: 'number', value: 'X', help: 'may be negative' },
  hidden: { kind: 'list', value: 'NAMES', help: 'names' },
  json: { kind: 'flag', help: 'json' },
};

describe('parseArgv', () => {
  it('reads positionals, --name value, --name=value, lists and flags', () => {
    const p = parseArgv(['moons', '--epochs', '12', '--lr=0.5', '--hidden', 'relu,tanh', '--json', '--shift', '-2'], table, 'help');
    expect(p.positionals).toEqual(['moons']);
    expect(p.values).toEqual({ epochs: 12, lr: 0.5, hidden: ['relu', 'tanh'], json: true, shift: -2 });
  });

  it('names the unknown option and lists the valid ones', () => {
    expect(() => parseArgv(['--epoch', '3'], table, 'help')).toThrow(
      new UsageError('unknown option --epoch; valid options are --epochs, --lr, --shift, --hidden, --json or --help'),
    );
  });

  it.each([
    [['--epochs'], '--epochs needs a value: --epochs N'],
    [['--epochs', '--json'], '--epochs needs a value: --epochs N'],
    [['--epochs', '2.5'], '--epochs must be an integer; got "2.5"'],
    [['--epochs', '0'], '--epochs must be an integer > 0; got 0'],
    [['--lr', 'fast'], '--lr must be a number; got "fast"'],
    [['--lr', '-1'], '--lr must be a number > 0; got -1'],
    [['--hidden', 'relu,,tanh'], '--hidden: empty name in "relu,,tanh"; separate names with commas, e.g. relu,tanh'],
    [['--json=yes'], '--json takes no value'],
  ])('rejects %j clearly', (argv, message) => {
    expect(() => parseArgv(argv, table, 'help')).toThrow(new UsageError(message));
  });

  it('throws the help text for --help and -h', () => {
    expect(() => parseArgv(['--epochs', '3', '--help'], table, 'the help')).toThrow(new HelpRequested('the help'));
    expect(() => parseArgv(['-h'], table, 'the help')).toThrow(HelpRequested);
  });
});

describe('checkName', () => {
  it('accepts a valid name and lists the valid ones otherwise, with a case hint', () => {
    expect(checkName('task', 'iris', ['moons', 'iris'])).toBe('iris');
    expect(() => checkName('task', 'wine', ['moons', 'iris'])).toThrow('unknown task "wine"; valid tasks are moons or iris');
    expect(() => checkName('activation', 'ReLU', ['relu', 'tanh'])).toThrow('unknown activation "ReLU" (did you mean relu?); valid activations are relu or tanh');
  });

  it('joins names readably', () => {
    expect(listNames(['a'])).toBe('a');
    expect(listNames(['a', 'b', 'c'])).toBe('a, b or c');
  });
});
