export { enumerateDelta, lastOccurrences, type DeltaEnumeration, type EnumerateInput } from './enumerateDelta';
export { loadCursor, saveCursor, type DeltaCursor } from './deltaCursor';
export { dropJournal } from './pageJournal';
export { fetchItems } from './fetchItems';
export { toRemoteEntries, type ResolvedRemote } from './remoteEntries';
export type { DeltaItem } from './deltaItem';
export { readFullListing, type FullListing } from './fullListing';
export { withContentTags } from './contentTags';
export { withDisplacedItems } from './displacedItems';
