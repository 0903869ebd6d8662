/**
 * Whether a Table SDK continuation token (base64 JSON with nextPartitionKey / nextRowKey) continues a
 * query of `partition`. The service encodes the next partition key its own way: Azurite as base64 of
 * the key, Azure Table storage as `1!<length>!<base64 of the key>`, older versions as the key itself;
 * each is accepted, anything else is the client's mistake (400), not a 500.
 */
export function continuesPartition(token: string, partition: string): boolean {
    let next: { nextPartitionKey?: unknown } | undefined;
    try {
        next = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { nextPartitionKey?: unknown };
    } catch {
        return false;
    }
    const key = next?.nextPartitionKey;
    if (typeof key !== 'string') return false;
    if (key === partition) return true;
    const encoded = key.split('!').pop() ?? '';
    return Buffer.from(encoded, 'base64').toString('utf8') === partition;
}
