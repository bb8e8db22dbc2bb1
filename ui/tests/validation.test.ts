// The form's rules against desk-core's own cases: the same file drives
// `validation.rs`'s tests, so the window and the backend never disagree on a
// name, a description or a module list.

import { describe, expect, it } from 'vitest';
import shared from '../../crates/desk-core/src/tokens/validation-cases.json';
import { descriptionProblem, modulesProblem, nameProblem } from '../src/lib/validation';

type Case<T> = { input: T; repeat?: number; problem: string | null };
type Cases = { name: Case<string>[]; description: Case<string>[]; modules: Case<string[]>[] };

const cases: Cases = shared;
const repeated = (c: Case<string>) => c.input.repeat(c.repeat ?? 1);

describe("desk-core's validation cases", () => {
  it.each(cases.name.map((c) => [c.input.slice(0, 40), c] as const))('name %s', (_, c) => {
    expect(nameProblem(repeated(c))).toBe(c.problem);
  });
  it.each(cases.description.map((c) => [c.input.slice(0, 10), c] as const))('description %s', (_, c) => {
    expect(descriptionProblem(repeated(c))).toBe(c.problem);
  });
  it.each(cases.modules.map((c) => [c.input.join(','), c] as const))('modules [%s]', (_, c) => {
    expect(modulesProblem(c.input)).toBe(c.problem);
  });
});
