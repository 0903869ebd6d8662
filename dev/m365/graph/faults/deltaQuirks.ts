import { seededRandom } from '../model/ids';

/**
 * Delta behaviours seen in the field but not documented (reference/m365-quirks.md, entries 4 and 5),
 * as seeded fault switches: off unless a test turns them on (`setDeltaQuirks`, or `delta` in the
 * chaos options), and the same seed replays the same faults.
 *
 * - `dropTombstoneRate`: a deleted item's tombstone never appears in delta ("Tombstones are not
 *   guaranteed", onedrive-api-docs#1927; a folder deleted and recreated while a client pages shows only
 *   the new id, microsoft-graph-docs-contrib#8794). Decided once per delete, so every later delta of
 *   every client agrees.
 * - `resyncRate`: a delta call made with a deltaLink token answers 410 (the tokens of the drive are
 *   gone); Microsoft: "there are occasions where a 410 error response is possible (and you cannot
 *   currently avoid it)" (onedrive-api-docs#1356).
 * - `plainResyncRate`: of those 410s, the share that is a plain `resyncRequired` with only `date` and
 *   `request-id` in `innerError` and no `Location` header (the body quoted in onedrive-api-docs#1356).
 * - `locationFailRate`: of the 410s that carry a Location, the share whose Location answers 500
 *   (onedrive-api-docs#249).
 */
export interface DeltaQuirkOptions {
    seed: string;
    dropTombstoneRate?: number;
    resyncRate?: number;
    plainResyncRate?: number;
    locationFailRate?: number;
}

export interface InjectedResync {
    location: 'valid' | 'fails' | 'absent';
}

export class DeltaQuirks {
    private options?: DeltaQuirkOptions;
    private random: () => number = () => 1;

    configure(options: DeltaQuirkOptions | undefined): void {
        this.options = options;
        this.random = options ? seededRandom(`delta-quirks:${options.seed}`) : () => 1;
    }

    current(): DeltaQuirkOptions | undefined {
        return this.options ? { ...this.options } : undefined;
    }

    /** Rolled once when an item is deleted. */
    dropsTombstone(): boolean {
        return this.roll(this.options?.dropTombstoneRate);
    }

    /** Rolled on each delta call that presents a deltaLink token. */
    injectsResync(): InjectedResync | undefined {
        if (!this.roll(this.options?.resyncRate)) return undefined;
        if (this.roll(this.options?.plainResyncRate)) return { location: 'absent' };
        return { location: this.roll(this.options?.locationFailRate) ? 'fails' : 'valid' };
    }

    private roll(rate: number | undefined): boolean {
        if (!rate || rate <= 0) return false;
        return this.random() < rate;
    }
}
