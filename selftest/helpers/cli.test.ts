import { describe, expect, test } from 'vitest';
import { parseTestArgs, toVitestArgs } from '../../scripts/cli/test-args.js';

describe('npm test arguments', () => {
  test('--grep becomes a test-name pattern; other options pass through', () => {
    const cli = parseTestArgs(['--grep', 'exercise-3', '--reporter=verbose']);
    expect(toVitestArgs(cli)).toEqual(['run', '--testNamePattern', 'exercise-3', '--reporter=verbose']);
  });
  test('--grep=, -g and regexes work like mocha', () => {
    expect(parseTestArgs(['--grep=^exercise-(1|2)']).grep).toBe('^exercise-(1|2)');
    expect(parseTestArgs(['-g', 'common-error-4']).grep).toBe('common-error-4');
  });
  test('no --grep runs everything', () => {
    expect(toVitestArgs(parseTestArgs([]))).toEqual(['run']);
  });
  test('bad input is one clear error', () => {
    expect(() => parseTestArgs(['--grep', '('])).toThrow(/not a valid regular expression/);
    expect(() => parseTestArgs(['--grep'])).toThrow(/--grep needs a value/);
    expect(() => parseTestArgs(['--target', 'moon'])).toThrow(/unknown target "moon"/);
  });
  test('target defaults to sandbox', () => {
    expect(parseTestArgs([]).target).toBe('sandbox');
  });
});

describe('--lab', () => {
  test('defaults to build; existing selects grading; anything else is refused', () => {
    expect(parseTestArgs([]).lab).toBe('build');
    expect(parseTestArgs(['--lab', 'existing', '--netns', 'x']).passthrough).toEqual(['--netns', 'x']);
    expect(() => parseTestArgs(['--lab', 'mine'])).toThrow(/must be "build"/);
  });
});
