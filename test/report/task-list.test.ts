import { describe, expect, it } from 'vitest';
import { painter } from '../../src/report/style.js';
import { renderTaskList, type TaskListRow } from '../../src/report/task-list.js';

const plain = painter(false);
const row = (id: string, dependsOn: string[] = [], description?: string, cmd = 'true'): TaskListRow => ({ id, dependsOn, description, cmd });

describe('renderTaskList', () => {
  it('aligns the columns on the widest id and dependency list', () => {
    expect(renderTaskList([row('a'), row('longer-id', ['a'], 'Does it')], plain)).toBe(
      ['TASK       DEPENDS ON  DESCRIPTION', 'a          -           $ true', 'longer-id  a           Does it', ''].join('\n'),
    );
  });

  it('shows the first non-blank line of a description or command, with … when more follows', () => {
    const out = renderTaskList([row('a', [], '\n\n  first\nsecond'), row('b', [], undefined, 'set -e\nmake\n'), row('c', [], '   ')], plain);
    expect(out.split('\n').slice(1, 4)).toEqual(['a     -           first …', 'b     -           $ set -e …', 'c     -']);
  });

  it.each([
    [['x'.repeat(60)], 'x'.repeat(39) + '…'],
    [['a', 'b'], 'a, b'],
    [Array.from({ length: 20 }, (_, i) => `dep${i}`), 'dep0, dep1, dep2, dep3, dep4, … +15'],
    [['y'.repeat(60), 'z'], 'y'.repeat(31) + '…, … +1'],
  ])('cuts the dependencies %j to 40 columns on a terminal', (deps, shown) => {
    const out = renderTaskList([row('t', deps, 'd')], plain, 200);
    const line = out.split('\n')[1]!;
    expect(line.slice(6, 6 + shown.length)).toBe(shown);
    expect(shown.length).toBeLessThanOrEqual(40);
    // Piped (no width), nothing is cut.
    expect(renderTaskList([row('t', deps, 'd')], plain).split('\n')[1]).toContain(deps.join(', '));
  });

  it('cuts the description to the width, keeping at least 10 columns of it', () => {
    const out = renderTaskList([row('t', [], 'abcdefghijklmnopqrstuvwxyz')], plain, 30);
    expect(out.split('\n')[1]).toBe('t     -           abcdefghijk…');
    const narrow = renderTaskList([row('t', [], 'abcdefghijklmnopqrstuvwxyz')], plain, 10);
    expect(narrow.split('\n')[1]).toBe('t     -           abcdefghi…');
  });
});
