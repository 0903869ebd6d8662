import { SyncItem } from './model';
import { Action, Side } from './types';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An action before ids and dependencies are filled in. */
export type ActionBody = DistributiveOmit<Action, 'id' | 'item' | 'dependsOn'>;

export interface Target {
    side: Side;
    path: string;
}

/** An action plus what the dependency pass needs to know about it. */
export interface Draft {
    action: Action;
    item: SyncItem;
    /** Paths it makes exist (a create, a move's destination, a transfer's target). */
    places: Target[];
    /** Paths it frees (a delete, a move's source). */
    vacates: Target[];
    /** Sides on which it works on the item where it is now (so it waits for ancestors moving there). */
    at: Side[];
}

export interface DraftMeta {
    places?: Target[];
    vacates?: Target[];
    at?: Side[];
}

export class DraftList {
    readonly drafts: Draft[] = [];

    add(item: SyncItem, body: ActionBody, meta: DraftMeta = {}): Action {
        const id = `a${String(this.drafts.length + 1).padStart(4, '0')}`;
        const action = { id, item: item.key, dependsOn: [], ...body } as Action;
        this.drafts.push({ action, item, places: meta.places ?? [], vacates: meta.vacates ?? [], at: meta.at ?? [] });
        return action;
    }
}
