// axe-core in the page tests: runs the WCAG 2.0/2.1/2.2 level A and AA rules on a page as it is
// now and fails with one readable line per offending element (rule, impact, selector, what to do).
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/** The axe tags for "WCAG 2 A/AA": 2.0, 2.1 and 2.2, levels A and AA. */
export const WCAG_AA_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

interface Violation {
  id: string;
  impact?: string | null;
  help: string;
  helpUrl: string;
  nodes: Array<{ target: unknown; failureSummary?: string }>;
}

/** One line per element: `color-contrast (serious) .msg-time: Elements must meet … — Fix …`. */
export function describeViolations(violations: Violation[]): string {
  const lines: string[] = [];
  for (const v of violations) {
    for (const node of v.nodes) {
      const target = JSON.stringify(node.target);
      const why = (node.failureSummary ?? '').replace(/\s+/g, ' ').trim();
      lines.push(`- ${v.id} (${v.impact ?? 'unknown'}) ${target}: ${v.help}. ${why} <${v.helpUrl}>`);
    }
  }
  return lines.join('\n');
}

/**
 * Runs axe on the page with the WCAG A/AA rules and throws, listing every violation, if there is
 * any. `label` names the page and state in the message ("room, ko-KR, phone").
 */
export async function expectNoAxeViolations(page: Page, label: string): Promise<void> {
  const results = await analyze(page, label);
  if (results.violations.length === 0) return;
  throw new Error(`axe found WCAG A/AA violations on ${label}:\n${describeViolations(results.violations)}`);
}

/** How long one axe run may take before it is given up (it has no deadline of its own). */
const AXE_DEADLINE_MS = 30_000;

/**
 * axe's results for the page. An axe run has no deadline of its own, and once in CI one never
 * answered (the whole file timed out at 180 s): a run that takes longer than AXE_DEADLINE_MS is
 * abandoned and tried once more, and a second one that hangs fails the test saying so.
 */
async function analyze(page: Page, label: string): Promise<Awaited<ReturnType<AxeBuilder['analyze']>>> {
  for (let attempt = 1; ; attempt++) {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`axe did not finish on ${label} within ${AXE_DEADLINE_MS} ms`)),
        AXE_DEADLINE_MS,
      );
    });
    try {
      return await Promise.race([new AxeBuilder({ page }).withTags(WCAG_AA_TAGS).analyze(), deadline]);
    } catch (err) {
      if (attempt >= 2 || !(err instanceof Error) || !err.message.startsWith('axe did not finish')) throw err;
    } finally {
      clearTimeout(timer);
    }
  }
}
