import { isDependencyFaultCode } from '../dependencies/dependencyFault';

/**
 * What an operator should do about a transfer's last error, by its stable code (lib/transfer/errors.ts
 * and the dependency faults). Codes the queue retries by itself say so; codes that need a person say
 * what to fix and that the transfer can then be replayed.
 */
const HINTS: Record<string, string> = {
    access_denied:
        "The drive's account may not write there (permissions, or a retention hold on the folder): fix the access, the queue retries.",
    download_interrupted: 'The download kept breaking off; the queue retries it.',
    download_range_refused: 'The server refused a ranged download; the queue retries from the start.',
    download_unstable: 'The file changed while it was downloading; the next sync fetches the new version.',
    download_url_refused:
        'The pre-authenticated download URL expired or was refused; the queue retries with a fresh one.',
    graph_error: 'Microsoft Graph had a temporary problem; the queue retries.',
    hash_mismatch: 'The bytes did not match the hash SharePoint reported; the queue retries the file.',
    invalid_request: 'SharePoint refused the request for this file (its name or type); rename or fix it, then replay.',
    locked: 'The file is checked out or locked in SharePoint: check it in; the next sync retries.',
    malware_detected: 'SharePoint flagged the file as malware; it will not be transferred. Remove or replace it.',
    name_conflict: 'An item with that name appeared meanwhile; the next sync pairs or renames it.',
    precondition_failed: 'The item changed in SharePoint after the sync planned; the next sync re-plans it.',
    precondition_failed_spurious: 'SharePoint answered 412 without a change; the queue retries.',
    quota_exceeded: 'The library or OneDrive is full: free space or raise the quota, then replay.',
    source_changed: 'The file changed after the sync planned; the next sync transfers the new version.',
    source_missing: 'The file is gone from its side; the next sync plans what is left.',
    target_missing: 'The target folder is gone; the next sync re-plans the item.',
    too_large: 'The file is over the 250 GB SharePoint limit; it cannot be synced.',
    untrusted_download_url:
        'The download URL is not on a Microsoft host: add the host to M365_TRUSTED_HOSTS only if you trust it, then replay.',
    untrusted_redirect:
        'The download redirected off Microsoft hosts: add the host to M365_TRUSTED_HOSTS only if you trust it, then replay.',
    untrusted_upload_url:
        'The upload URL is not on a Microsoft host: add the host to M365_TRUSTED_HOSTS only if you trust it, then replay.',
    upload_out_of_range: 'SharePoint expected another offset; the upload restarts its session.',
    upload_session_lost: 'SharePoint lost the upload session; the upload continues with a new one.',
    upload_unstable: 'The file changed while it was uploading; the next sync uploads the new version.',
    drive_not_found: 'The drive was removed; nothing to do.',
    drive_not_connected: 'Reconnect the drive (POST /api/drives/{driveId}/reconnect), then replay.',
    transfer_error: 'An unexpected error; check the function logs for this transfer id. The queue retries.',
};

export function transferErrorHint(code: string): string {
    if (HINTS[code]) return HINTS[code];
    if (isDependencyFaultCode(code))
        return "The service's own dependency (Key Vault, storage, identity) failed: see GET /api/health/details; the next sync plans the file again.";
    return 'See the message; the queue retries transient errors, and a failed transfer can be replayed once fixed.';
}
