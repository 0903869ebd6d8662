/** How a conflict (both sides changed, contents differ) is settled; keep-both loses nothing. */
export const CONFLICT_POLICIES = ['keep-both', 'prefer-remote', 'prefer-platform', 'newest'] as const;
export type ConflictPolicy = (typeof CONFLICT_POLICIES)[number];
