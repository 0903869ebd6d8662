import { planSync } from '../../../lib/sync/plan';
import type { PlanInput, RemoteEntry, Unsupported } from '../../../lib/sync/plan/types';
import { Scenario, summary } from './scenario';

/**
 * SharePoint items the sync leaves alone (a OneNote notebook and its parts, a shortcut): each gets a
 * skip with its own reason, nothing is copied either way, and nothing on the platform inside such an
 * item is sent to SharePoint.
 */
const NOTEBOOK: Unsupported = {
    rule: 'onenote_notebook',
    message: 'OneNote notebook: not synced.',
    hint: 'Open it in OneNote.',
};
const PART: Unsupported = {
    rule: 'onenote_notebook_content',
    message: 'Part of a notebook.',
    hint: 'Open it in OneNote.',
};
const SHORTCUT: Unsupported = { rule: 'shortcut', message: 'Shortcut: not synced.', hint: 'Open it in OneDrive.' };

function mark(input: PlanInput, marks: Record<string, Unsupported>): PlanInput {
    const remote = input.remote.map((e: RemoteEntry) => (marks[e.path] ? { ...e, unsupported: marks[e.path] } : e));
    return { ...input, remote };
}

describe('items the planner leaves alone', () => {
    it('a new notebook and its parts are skipped, each with its reason; nothing is copied', () => {
        const s = new Scenario({ 'a.txt': 'A' })
            .remoteCreate('Notes', null)
            .remoteCreate('Notes/Section.one', 'S')
            .remoteCreate('Notes/OneNote_RecycleBin', null);
        const input = mark(s.input(), { Notes: NOTEBOOK, 'Notes/Section.one': PART, 'Notes/OneNote_RecycleBin': PART });
        const plan = planSync(input);
        expect(summary(plan).sort()).toEqual([
            'skip Notes onenote_notebook',
            'skip Notes/OneNote_RecycleBin onenote_notebook_content',
            'skip Notes/Section.one onenote_notebook_content',
        ]);
        const skip = plan.actions.find((a) => a.kind === 'skip' && a.path === 'Notes');
        expect(skip).toMatchObject({
            reason: { code: 'onenote_notebook', message: NOTEBOOK.message },
            hint: NOTEBOOK.hint,
        });
    });

    it('a shortcut is skipped, never created as a folder or a file on the platform', () => {
        const s = new Scenario({}).remoteCreate('Team shortcut', 'x');
        expect(summary(planSync(mark(s.input(), { 'Team shortcut': SHORTCUT })))).toEqual([
            'skip Team shortcut shortcut',
        ]);
    });

    it('a file the platform puts inside a skipped notebook is not sent into it', () => {
        const s = new Scenario({})
            .remoteCreate('Notes', null)
            .platformCreate('Notes', null)
            .platformCreate('Notes/mine.txt', 'M');
        const summaryOf = summary(planSync(mark(s.input(), { Notes: NOTEBOOK })));
        expect(summaryOf.sort()).toEqual([
            'skip Notes onenote_notebook',
            'skip Notes onenote_notebook_content',
            'skip Notes/mine.txt onenote_notebook_content',
        ]);
    });

    it('a notebook synced as a folder by an older version stays as it is on both sides', () => {
        const s = new Scenario({ Notes: null, 'Notes/Section.one': 'S' }).remoteTouch('Notes');
        const summaryOf = summary(planSync(mark(s.input(), { Notes: NOTEBOOK })));
        expect(summaryOf.sort()).toEqual([
            'skip Notes onenote_notebook',
            'skip Notes/Section.one onenote_notebook_content',
        ]);
    });
});
