import type { SignInFailure } from './signInErrors';

/**
 * Sign-ins refused because the connection is not bound to this browser or this person. Nothing is
 * stored for either: no token, no account, no drive change.
 */
export const BROWSER_MISMATCH: SignInFailure = {
    code: 'browser_mismatch',
    message: 'This sign-in was not started in this browser, so it cannot finish here.',
    hint: 'Open the connect link from the platform in the browser you sign in with; sign-in links cannot be forwarded. (The service must be served over HTTPS: the browser keeps the sign-in cookie only then.)',
};

export function accountMismatch(signedInAs: string): SignInFailure {
    return {
        code: 'account_mismatch',
        message: `You signed in as ${signedInAs}, but this connection was made for another person. Nothing was stored.`,
        hint: 'Sign in with the account the connection is for, or ask that person to open the link themselves. If you are signed in to Microsoft with several accounts, pick the right one on the sign-in page.',
    };
}
