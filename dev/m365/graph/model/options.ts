/**
 * Behaviour switches. Defaults follow Microsoft's documented (or widely observed) behaviour; tests
 * flip them through the API or `/__control/graph/options` to reach the awkward cases.
 */
export type DeltaOrdering = 'parentFirst' | 'childFirst';
export type ResyncVariant =
    | 'resyncRequired'
    | 'resyncChangesApplyDifferences'
    | 'resyncChangesUploadDifferences'
    | 'resyncApplyDifferences'
    | 'resyncUploadDifferences';

export interface SimOptions {
    /** Simple PUT ceiling (driveitem-put-content: 250 MB). */
    simpleUploadLimitBytes: number;
    /** Children page size when no `$top` is given. */
    childrenPageSize: number;
    download: {
        urlLifetimeMs: number;
        /** Answer 401 when a bearer token reaches the pre-authenticated URL (always counted). */
        rejectAuthorization: boolean;
        /** Ignore `Range` and answer 200 with the whole body (documented as allowed). */
        ignoreRange: boolean;
        /** When set, the download URL first answers 302 to the same URL on this origin (content/download.ts). */
        redirectOrigin?: string;
    };
    uploads: {
        /** An idle session expires this long after creation or the last accepted fragment. */
        idleLifetimeMs: number;
        /** Hard limit of the tempauth token in the uploadUrl. */
        tempauthLifetimeMs: number;
        /** 401 on a PUT to the uploadUrl that carries Authorization (always counted). */
        rejectAuthorization: boolean;
        maxFragmentBytes: number;
        /** Fail the commit when a non-final fragment was not a 320 KiB multiple. */
        failCommitOnUnalignedFragments: boolean;
        /** Bump the target item's eTag when a session is created for it (abraunegg's 412 → 416 case). */
        bumpETagOnCreate: boolean;
    };
    enrichment: {
        /**
         * SharePoint rewrites Office/PDF/HTML/JPEG files after upload, on every Business drive (OneDrive
         * for Business and document libraries): content/enrichment.ts has the sources.
         */
        enabled: boolean;
        /** How much a rewrite adds (microsoft-graph-docs-contrib issue 8903: JPEGs grow by 12 bytes). */
        bytes: number;
        extensions: string[];
        driveTypes: ('personal' | 'business' | 'documentLibrary')[];
        /** Share of rewrites that shrink the file instead (msgraph-sdk-dotnet issue 1222), chosen per file version. */
        shrinkShare: number;
        /** How much a shrinking rewrite removes (msgraph-sdk-dotnet issue 1222: 11 bytes). */
        shrinkBytes: number;
        /**
         * `withResponse`: the upload's response already shows the rewritten size and hash (onedrive-api-docs
         * issue 935); `afterResponse`: the rewrite lands just after the response, which still shows what
         * was sent (microsoft-graph-docs issue 8078: "the modifications in fact can be asynchronous").
         */
        timing: 'withResponse' | 'afterResponse';
    };
    delta: {
        pageSize: number;
        ordering: DeltaOrdering;
        /** Repeat the tail of each page at the head of the next (last occurrence wins). */
        duplicates: boolean;
        /** 400 for delta on a non-root folder of a business drive. */
        rejectNonRootOnBusiness: boolean;
        /**
         * Off (the documentation): "The parentReference property on items will not include a value for
         * path" (driveitem-delta). On: business drives include it, as OneDrive for Business does in the
         * field (onedrive-api-docs issue 298: ODB returns it, personal does not; Microsoft answered that the
         * documentation is what to rely on). Clients that need it (the OneDrive Client for Linux 2.4.23
         * keeps only items whose path it can place) run with it on; the service must never rely on it.
         */
        parentPathOnBusiness: boolean;
    };
    notifications: {
        debounceMs: number;
        /**
         * Time from a change to the POST of its notification, sampled per batch: minMs plus an
         * exponential draw of mean (meanMs - minMs), capped at maxMs. Graph's delivery latency table
         * (microsoft-graph-docs-contrib concepts/includes/change-notifications-delivery-latency.md):
         * driveItem "Less than 1 minute" on average, 5 minutes at most. `{ minMs: 0, meanMs: 0 }` is the
         * idealised immediate delivery tests and the idealised benchmark figures use.
         */
        deliveryDelay: { minMs: number; meanMs: number; maxMs: number };
        validationTimeoutMs: number;
        /** Graph expects a 2xx within 3 s; slower counts as a failure and is retried. */
        deliveryTimeoutMs: number;
        retryBaseMs: number;
        maxAttempts: number;
        /** Give up once this much simulated time has passed since the first attempt (4 h). */
        retryDeadlineMs: number;
        /** Send each notification twice (Graph documents duplicates). */
        duplicates: boolean;
        /** Accept http://localhost notification URLs (test mode); everything else must be https. */
        allowHttpLocalhost: boolean;
    };
}

/** driveItem notifications as Graph documents them: under a minute on average, never over five (see SimOptions). */
export const REALISTIC_NOTIFICATION_DELAY = { minMs: 5_000, meanMs: 30_000, maxMs: 300_000 } as const;

/** Immediate delivery (after the batching debounce): fast tests and idealised figures. */
export const IMMEDIATE_NOTIFICATION_DELAY = { minMs: 0, meanMs: 0, maxMs: 0 } as const;

export function defaultOptions(): SimOptions {
    return {
        simpleUploadLimitBytes: 250 * 1000 * 1000,
        childrenPageSize: 200,
        download: { urlLifetimeMs: 60 * 60 * 1000, rejectAuthorization: false, ignoreRange: false },
        uploads: {
            idleLifetimeMs: 15 * 60 * 1000,
            tempauthLifetimeMs: 24 * 60 * 60 * 1000,
            rejectAuthorization: true,
            maxFragmentBytes: 60 * 1024 * 1024,
            failCommitOnUnalignedFragments: true,
            bumpETagOnCreate: false,
        },
        enrichment: {
            enabled: true,
            bytes: 12,
            extensions: ['.docx', '.xlsx', '.pptx', '.pdf', '.html', '.htm', '.jpg', '.jpeg'],
            driveTypes: ['business', 'documentLibrary'],
            shrinkShare: 0.25,
            shrinkBytes: 11,
            timing: 'withResponse',
        },
        delta: {
            pageSize: 200,
            ordering: 'parentFirst',
            duplicates: false,
            rejectNonRootOnBusiness: true,
            parentPathOnBusiness: false,
        },
        notifications: {
            debounceMs: 50,
            deliveryDelay: { ...REALISTIC_NOTIFICATION_DELAY },
            validationTimeoutMs: 10_000,
            deliveryTimeoutMs: 3_000,
            retryBaseMs: 1_000,
            maxAttempts: 8,
            retryDeadlineMs: 4 * 60 * 60 * 1000,
            duplicates: false,
            allowHttpLocalhost: true,
        },
    };
}

export type DeepPartial<T> = {
    [K in keyof T]?: T[K] extends (infer U)[] ? U[] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};

/** Merges a partial update into the options in place (arrays are replaced). */
export function mergeOptions<T extends object>(target: T, patch: DeepPartial<T>): void {
    for (const [key, value] of Object.entries(patch) as [keyof T, unknown][]) {
        const current = target[key];
        if (value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object') {
            mergeOptions(current as object, value as DeepPartial<object>);
        } else if (value !== undefined) {
            target[key] = value as T[keyof T];
        }
    }
}
