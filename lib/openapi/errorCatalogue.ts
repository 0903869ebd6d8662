/**
 * Every stable error code of the JSON error shape, with its HTTP status. Clients branch on `code`;
 * the API description lists, per operation, which codes it can return.
 */
export const ERROR_CODES = {
    // Every route. (A missing or wrong key, an unknown route and a body over the host's 100 MB limit are
    // answered by the Functions host itself, with a bare status and no body: see buildDocument.ts.)
    internal_error: { status: 500, description: 'The service failed; the invocation id is in the logs.' },
    // Request bodies
    unsupported_media_type: { status: 415, description: 'The body is not application/json.' },
    payload_too_large: { status: 413, description: "The JSON body exceeds the route's limit." },
    invalid_json: { status: 400, description: 'The body is not valid JSON.' },
    validation_failed: {
        status: 400,
        description: 'One or more fields are invalid; `details` lists them with a code and message each.',
    },
    method_not_allowed: { status: 405, description: 'The method is not supported on this route.' },
    // The Graph webhook
    invalid_notification: { status: 400, description: 'The body is not a Graph change-notification collection.' },
    notification_too_large: {
        status: 413,
        description: 'The body exceeds 1 MiB or 1,000 entries: refused before it is read whole.',
    },
    notification_not_persisted: {
        status: 503,
        description: 'The notification could not be recorded (storage failed); Graph redelivers it.',
    },
    invalid_continuation_token: {
        status: 400,
        description: 'The continuationToken was not issued by this route for this resource; send it back unchanged.',
    },
    // Domain
    integration_not_configured: {
        status: 404,
        description: 'No integration is configured yet (PUT /api/manage/integration).',
    },
    drive_not_found: { status: 404, description: 'No external drive has this id.' },
    drive_not_connected: { status: 409, description: 'The drive has no connected account yet.' },
    drive_needs_reauth: {
        status: 409,
        description:
            "The drive's account can no longer sign in (disabled, password changed, consent revoked); reconnect it.",
    },
    drive_changed: { status: 409, description: 'The drive changed since it was read; read it again and retry.' },
    not_a_library_drive: { status: 409, description: 'The operation applies to SharePoint library drives only.' },
    site_not_accessible: { status: 403, description: 'The connected account cannot reach that site.' },
    library_not_accessible: { status: 403, description: 'The connected account cannot reach that library.' },
    personal_connections_disabled: { status: 403, description: 'AllowPersonalConnections is off.' },
    integration_changed: { status: 409, description: 'The integration changed since it was read; retry.' },
    // Credentials and alerts
    credential_not_found: { status: 404, description: 'No credential has this id.' },
    credential_rejected: {
        status: 400,
        description: 'Entra refused the new credential (the AADSTS code and hint say why); nothing was stored.',
    },
    app_sign_in_failed: {
        status: 409,
        description:
            'The application could not sign in to Entra with its credential; `details` has the AADSTS-derived code and the hint says what to fix.',
    },
    credential_active: { status: 409, description: 'The active credential cannot be retired; promote another first.' },
    credential_retired: { status: 409, description: 'The credential was retired and cannot be promoted.' },
    site_not_granted: { status: 403, description: 'The app has no Sites.Selected grant on that site.' },
    alert_not_found: { status: 404, description: 'No alert has this id.' },
    alert_changed: { status: 409, description: 'The alert changed meanwhile; read it again.' },
    // Platform store
    invalid_name: {
        status: 400,
        description: 'A name breaks a SharePoint/OneDrive rule; the hint says which and how to fix it.',
    },
    invalid_path: { status: 400, description: 'The path is not a clean drive-relative path, or breaks a path rule.' },
    folder_not_found: { status: 404, description: 'No folder at that path in the platform store.' },
    item_not_found: { status: 404, description: 'No file at that path in the platform store.' },
    upload_not_found: { status: 404, description: 'Nothing was uploaded at that path.' },
    upload_changed: { status: 409, description: 'The blob changed while it was being completed; complete again.' },
    // Sync
    run_not_found: { status: 404, description: 'No sync run has this id for this drive.' },
    transfer_not_found: { status: 404, description: 'No transfer has this id for this drive.' },
    transfer_not_failed: { status: 409, description: 'Only a failed or skipped transfer can be replayed.' },
    transfer_changed: {
        status: 409,
        description: 'The transfer changed while it was being replayed; read it and retry.',
    },
    no_held_deletes: { status: 409, description: 'The drive has no deletes waiting for approval.' },
    download_disabled: {
        status: 403,
        description: 'EnableDownloadExternalFile is off: the platform may not download external files.',
    },
    // Change feed
    invalid_cursor: {
        status: 400,
        description: "The cursor was not issued by this drive's change feed; send one back unchanged, or none.",
    },
    cursor_expired: {
        status: 410,
        description:
            'Changes after the cursor are older than the retention (CHANGE_FEED_RETENTION_DAYS) and were removed; restart without a cursor and list the store once.',
    },
    // The service's own dependencies (lib/dependencies): 503, with a hint naming the fix; transient ones carry Retry-After
    credential_missing: {
        status: 503,
        description: "The integration's client secret or certificate is not in Key Vault (deleted or purged).",
    },
    credential_disabled: { status: 503, description: "The integration's credential is disabled in Key Vault." },
    key_vault_secret_missing: { status: 503, description: 'A secret the service keeps is missing from Key Vault.' },
    key_vault_secret_disabled: { status: 503, description: 'A secret the service keeps is disabled in Key Vault.' },
    key_vault_forbidden: {
        status: 503,
        description: "Key Vault denies the app's identity (no Key Vault Secrets Officer role or access policy).",
    },
    key_vault_throttled: { status: 503, description: 'Key Vault is throttling the service; retry after Retry-After.' },
    key_vault_unreachable: { status: 503, description: 'Key Vault did not answer; retry after Retry-After.' },
    identity_unavailable: { status: 503, description: "The app's managed identity could not get a token." },
    storage_forbidden: { status: 503, description: "Storage denies the app's identity (a data role is missing)." },
    storage_not_found: { status: 503, description: 'A table, queue or container of the service is gone.' },
    storage_throttled: { status: 503, description: 'Storage is throttling the service; retry after Retry-After.' },
    storage_unreachable: { status: 503, description: 'Storage did not answer; retry after Retry-After.' },
    token_cache_conflict: { status: 503, description: 'The token cache kept changing; retry after Retry-After.' },
    state_corrupt: { status: 503, description: 'A row of the service state is unreadable; the hint names it.' },
} as const satisfies Record<string, { status: number; description: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The service's own dependencies failing, as any route that reads state or secrets can meet them. */
export const DEPENDENCY_ERRORS: ErrorCode[] = [
    'credential_missing',
    'credential_disabled',
    'key_vault_secret_missing',
    'key_vault_secret_disabled',
    'key_vault_forbidden',
    'key_vault_throttled',
    'key_vault_unreachable',
    'identity_unavailable',
    'storage_forbidden',
    'storage_not_found',
    'storage_throttled',
    'storage_unreachable',
    'token_cache_conflict',
    'state_corrupt',
];

/**
 * Codes every keyed route can return around its handler (its 401 comes from the host, without a body:
 * see buildDocument.ts).
 */
export const KEYED_ROUTE_ERRORS: ErrorCode[] = ['internal_error', ...DEPENDENCY_ERRORS];

/** Codes of readJsonBody (lib/http/requestBody.ts). */
export const JSON_BODY_ERRORS: ErrorCode[] = [
    'unsupported_media_type',
    'payload_too_large',
    'invalid_json',
    'validation_failed',
];
