/**
 * The WebAuthn relying party on webauthn4j (passkeys): ceremony options in the Level 3 JSON shapes and the checks
 * of registrations and assertions. Public for core's own use only; not API.
 */
package dev.accesspass.passkey;
