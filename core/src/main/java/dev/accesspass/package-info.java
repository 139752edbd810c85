/**
 * AccessPass's public face: {@link dev.accesspass.AccessPass} (the whole Java API, built once from an
 * {@link dev.accesspass.AccessPassConfig}), the values it hands out ({@link dev.accesspass.User},
 * {@link dev.accesspass.Authentication}, {@link dev.accesspass.TokenResponse}, {@link dev.accesspass.UserId},
 * {@link dev.accesspass.SessionId}), its failures ({@link dev.accesspass.AccessPassException} with its stable
 * {@link dev.accesspass.ErrorCode}, {@link dev.accesspass.StoreUnavailableException},
 * {@link dev.accesspass.FieldErrors}) and the {@link dev.accesspass.AuthHooks} an application implements.
 *
 * <p>The rule: a type is public here only if an application or a hook must name it. The engine — the services
 * ({@code Sessions}, {@code Accounts}, {@code PasswordFlows}, {@code EmailFlows}, {@code OAuthLogins}), their
 * shared {@code ServiceContext}, the {@code Assembly} that builds them, throttling, secrets and the mail queue — is
 * package-private, so it can change without breaking anyone. What hooks receive lives in
 * {@link dev.accesspass.event}; the store SPI in {@link dev.accesspass.store}; password hashing in
 * {@code dev.accesspass.password}; mail in {@code dev.accesspass.mail}; OAuth in {@code dev.accesspass.oauth}.
 * See docs/ARCHITECTURE.md.
 */
package dev.accesspass;
