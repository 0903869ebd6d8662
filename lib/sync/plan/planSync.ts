import { buildBaselineTree } from './baselineTree';
import { countDeletes, holdBigDeletes } from './bigDelete';
import { buildItems } from './buildItems';
import { linkDependencies } from './dependencies';
import { Emitter } from './emit';
import { decideInitialFates, keepFoldersOfSurvivors, rescueMovedSubtrees } from './fates';
import { layoutFinalTree } from './finalTree';
import { Locator } from './locate';
import { orderActions } from './order';
import { pairNewItems } from './pairing';
import { buildPlatformView } from './platformView';
import { buildRemoteView } from './remoteView';
import { screenNames, skipOrphans, skipUnsupported } from './screenNames';
import { Action, ActionKind, Plan, PlanInput } from './types';

/**
 * The three-way reconciliation planner: platform now, baseline, SharePoint now → an ordered list of
 * actions, each with its reason and preconditions. Pure and deterministic: no I/O, no clock (the
 * date comes from `options.now`), the same input gives the same plan.
 *
 * Safety rails: a first sync ignores any baseline and so deletes nothing; a resync deletes only on
 * explicit tombstones, unless its full listing proves absence (`unlistedDeleted`); a delete needs a
 * baseline row and an unchanged other side; deletes go to the
 * recycle bin / trash; the big-delete guard holds mass deletes for approval.
 */
export function planSync(input: PlanInput): Plan {
    const { options, policy } = input;
    const tree = buildBaselineTree(options.firstSync ? [] : input.baseline);
    const remote = buildRemoteView(tree, input.remote, {
        fullListing: options.firstSync || options.resync,
        unlistedDeleted: !options.firstSync && options.resync && !!options.unlistedDeleted,
    });
    const platform = buildPlatformView(tree, input.platform);
    const graph = buildItems(tree, remote, platform);

    decideInitialFates(graph);
    skipOrphans(graph, remote.unknown);
    skipUnsupported(graph);
    rescueMovedSubtrees(graph);
    screenNames(graph, policy);
    keepFoldersOfSurvivors(graph, policy);
    pairNewItems(graph);
    const final = layoutFinalTree(graph, policy, options);

    const locator = new Locator(graph, final);
    const emitter = new Emitter(graph, locator, policy);
    for (const item of graph.sorted()) emitter.emit(item);
    const drafts = emitter.list.drafts;
    linkDependencies(drafts, graph, locator);
    const deletes = countDeletes(drafts);
    const heldDeletes = holdBigDeletes(drafts, input.driveItemCount, options.bigDelete);
    const actions = orderActions(drafts);
    return { actions, heldDeletes, dryRun: options.dryRun, counts: countKinds(actions), deletes };
}

function countKinds(actions: Action[]): Partial<Record<ActionKind, number>> {
    const counts: Partial<Record<ActionKind, number>> = {};
    for (const a of actions) counts[a.kind] = (counts[a.kind] ?? 0) + 1;
    return counts;
}
