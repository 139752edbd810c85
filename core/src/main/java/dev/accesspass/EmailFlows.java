package dev.accesspass;

import dev.accesspass.event.ConfirmationEvent;
import dev.accesspass.event.SecurityEvent;
import dev.accesspass.mail.MailContent;
import dev.accesspass.mail.MailContext;
import dev.accesspass.mail.MailMessage;
import dev.accesspass.mail.MailTemplates;
import dev.accesspass.store.Identifiers;
import dev.accesspass.store.OneTimeToken;
import dev.accesspass.store.SessionMetadata;
import dev.accesspass.store.TokenHash;
import dev.accesspass.store.TokenPurpose;
import dev.accesspass.store.TokenStore;
import dev.accesspass.store.UserRecord;
import dev.accesspass.store.UserStore;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The email flows: the confirmation mail at registration and on resend, email confirmation, forgot password and
 * forgot username, and the password-changed notice.
 *
 * <p>Security notes for maintainers.
 * <ul>
 *   <li>Routes that mail an address someone typed ({@code /confirm/resend}, {@code /password/forgot},
 *       {@code /username/forgot}) only check the input's shape on the request thread and hand everything else to
 *       the {@link MailQueue}: known and unknown accounts then cost the request the same, and the answer is the
 *       same 202 (SR-34).</li>
 *   <li>Caps (SR-31), counted in the token store so they hold across instances: {@value #ADDRESS_CAP} mail requests
 *       per client address and {@value #RECIPIENT_CAP} messages per account and kind, each per hour. Over a cap
 *       nothing is sent and nothing else changes.</li>
 *   <li>Tokens: 256 random bits, only their SHA-256 stored, consumed atomically, one purpose each (SR-36, SR-04).
 *       A confirmation token carries the address it was mailed to, so it cannot confirm a changed address. A new
 *       reset token replaces the user's earlier ones.</li>
 *   <li>Links come from {@code base-url} (or {@code reset-password-url}); only the built-in log mailer may fall
 *       back to the request's origin (SR-39). The recipient is always the stored address, never the typed one.</li>
 * </ul>
 * Thread-safe.
 */
final class EmailFlows implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmailFlows.class);
    /** Messages per account and kind (confirmation, reset, username) per {@link #CAP_WINDOW}. */
    static final int RECIPIENT_CAP = 3;
    /** Mail-sending requests per client address per {@link #CAP_WINDOW}, whether or not the account exists. */
    static final int ADDRESS_CAP = 20;
    static final Duration CAP_WINDOW = Duration.ofHours(1);
    /** Where the reset link points when {@code reset-password-url} is unset. */
    static final String DEFAULT_RESET_PATH = "/reset-password";
    private static final String BAD_TOKEN = "The token is invalid, expired or already used.";

    private final UserStore users;
    private final TokenStore tokens;
    private final Clock clock;
    private final AccessPassConfig config;
    private final HookRunner hooks;
    private final SecurityLog security;
    private final MailQueue queue;
    private final MailTemplates templates;
    private final boolean requestOriginAllowed;
    private final Rules rules;

    /**
     * @param requestOriginAllowed true only for the built-in log mailer: links may then use the request's origin
     *                             when {@code base-url} is unset
     */
    EmailFlows(ServiceContext context, MailQueue queue, MailTemplates templates, boolean requestOriginAllowed) {
        this.users = context.users();
        this.tokens = context.tokens();
        this.clock = context.clock();
        this.config = context.config();
        this.hooks = context.hooks();
        this.security = context.security();
        this.queue = queue;
        this.templates = templates;
        this.requestOriginAllowed = requestOriginAllowed;
        this.rules = context.rules();
    }

    MailQueue queue() {
        return queue;
    }

    // ---- flows ----

    /** Queues the confirmation mail of a new account (subject to the caps like a resend). */
    void registered(User user, String clientAddress, String requestOrigin) {
        queue.submit("confirmation after registration", () -> {
            if (!allowAddress(clientAddress)) {
                return;
            }
            users.findById(user.id()).filter(u -> !u.emailConfirmed()).filter(u -> allowRecipient("confirm", u))
                    .ifPresent(u -> sendConfirmation(u, requestOrigin));
        });
    }

    /**
     * With {@code require-confirmed-email} on, someone registered with the address of an existing account: its owner
     * gets a notice (no link, no token), under the same caps as every other mail, and the caller got the same 202.
     */
    void registrationAttempted(UserRecord owner, String clientAddress) {
        queue.submit("registration attempt notice", () -> {
            if (!allowAddress(clientAddress)) {
                return;
            }
            users.findById(owner.id()).filter(u -> allowRecipient("registration", u)).ifPresent(u -> {
                MailContent content = render("registration_attempt", t -> t.registrationAttempted(
                        new MailContext(User.of(u), null, null, clock.instant())));
                queue.send(MailMessage.of(u.email(), content, "registration_attempt"));
            });
        });
    }

    /** {@code POST /confirm/resend}: validates the shape of {@code email}, then queues the rest. */
    void resendConfirmation(String email, String clientAddress, String requestOrigin) {
        FieldErrors errors = new FieldErrors();
        rules.checkEmail(email, errors);
        errors.throwIfAny();
        queue.submit("confirmation resend", () -> {
            if (!allowAddress(clientAddress)) {
                return;
            }
            users.findByEmail(email).filter(u -> !u.emailConfirmed()).filter(u -> allowRecipient("confirm", u))
                    .ifPresent(u -> sendConfirmation(u, requestOrigin));
        });
    }

    /** {@code POST /password/forgot}: a username or an email; the rest runs on the mail queue. */
    void forgotPassword(String usernameOrEmail, String clientAddress, String requestOrigin) {
        if (usernameOrEmail == null || usernameOrEmail.isEmpty()) {
            throw AccessPassException.validation(new FieldErrors().add("username", "is required"));
        }
        queue.submit("password reset request", () -> {
            if (!allowAddress(clientAddress)) {
                return;
            }
            find(usernameOrEmail).filter(u -> allowRecipient("reset", u))
                    .ifPresent(u -> sendReset(u, requestOrigin));
        });
    }

    /** {@code POST /username/forgot}. */
    void forgotUsername(String email, String clientAddress) {
        FieldErrors errors = new FieldErrors();
        rules.checkEmail(email, errors);
        errors.throwIfAny();
        queue.submit("username reminder", () -> {
            if (!allowAddress(clientAddress)) {
                return;
            }
            users.findByEmail(email).filter(u -> allowRecipient("username", u)).ifPresent(u -> {
                MailContent content = render("forgot_username", t -> t.forgotUsername(
                        new MailContext(User.of(u), null, null, clock.instant())));
                queue.send(MailMessage.of(u.email(), content, "forgot_username"));
            });
        });
    }

    /**
     * Queues the two mails of an email change: the link to the new address (under the per-recipient cap, so a
     * stolen session cannot make us mail some address without end) and the notice, without a link, to the current
     * one.
     */
    void sendEmailChange(UserRecord user, String newEmail, String token, ClientContext client, String requestOrigin) {
        Instant now = clock.instant();
        String link = origin(requestOrigin) + config.prefix() + "/email/change/confirm?token=" + encode(token);
        SessionMetadata from = SessionMetadata.of(client.address(),
                client.userAgent(), "notice", null, now, 1);
        queue.submit("email change", () -> {
            String key = "mail-recipient:email_change:" + Identifiers.emailKey(newEmail);
            if (tokens.recordFailedAttempt(key, clock.instant(), CAP_WINDOW).failures() <= RECIPIENT_CAP) {
                MailContent content = render("confirm_email_change", t -> t.confirmEmailChange(new MailContext(
                        User.of(user), link, config.confirmTokenTtl(), now, "email_change", from.address(),
                        from.userAgent(), newEmail)));
                queue.send(MailMessage.of(newEmail, content, "confirm_email_change"));
            } else {
                LOG.debug("mail cap reached for email change mail of user {}; nothing sent", user.id().value());
            }
            if (user.email() != null) {
                MailContent notice = render("email_change_requested", t -> t.emailChangeRequested(new MailContext(
                        User.of(user), null, null, now, "email_change_requested", from.address(), from.userAgent(),
                        newEmail)));
                queue.send(MailMessage.of(user.email(), notice, "email_change_requested"));
            }
        });
    }

    /**
     * Queues a notice (no link, no token) to {@code to}, uncapped: notices go to the account's own address only
     * ({@link SecurityNotices} decides which are sent). The template runs on the queue, never on the request.
     */
    void sendNotice(String kind, String to, Function<MailTemplates, MailContent> template) {
        queue.submit(kind + " notice", () -> queue.send(MailMessage.of(to, render(kind, template), kind)));
    }

    /** {@code /confirm}: uses up the token and marks the address confirmed. */
    User confirmEmail(String token) {
        String checked = requireToken(token);
        OneTimeToken used = tokens.consumeOneTimeToken(TokenHash.of(checked), TokenPurpose.CONFIRM_EMAIL,
                clock.instant()).orElseThrow(EmailFlows::invalidGrant);
        UserRecord user = Optional.ofNullable(used.user()).flatMap(users::findById)
                .orElseThrow(EmailFlows::invalidGrant);
        if (used.payload() == null || !used.payload().equals(Identifiers.emailKey(user.email()))) {
            // Mailed to an address the account no longer has: it proves nothing about the current one.
            throw invalidGrant();
        }
        users.setEmailConfirmed(user.id(), true);
        // Older confirmation links are moot now; a second click then answers like any used token (SR-37).
        tokens.deleteOneTimeTokens(user.id(), TokenPurpose.CONFIRM_EMAIL);
        security.emit(SecurityEvent.Type.EMAIL_CONFIRMED, user.id(), null, null, Map.of());
        User confirmed = User.of(users.findById(user.id()).orElse(user));
        hooks.run("afterConfirmation", h -> h.afterConfirmation(new ConfirmationEvent(confirmed)));
        return confirmed;
    }

    // ---- pieces ----

    private void sendConfirmation(UserRecord user, String requestOrigin) {
        String token = Secrets.newToken();
        Instant now = clock.instant();
        tokens.saveOneTimeToken(new OneTimeToken(TokenHash.of(token), TokenPurpose.CONFIRM_EMAIL, user.id(),
                now.plus(config.confirmTokenTtl()), Identifiers.emailKey(user.email())));
        String link = origin(requestOrigin) + config.prefix() + "/confirm?token=" + encode(token);
        MailContent content = render("confirm_email", t -> t.confirmEmail(
                new MailContext(User.of(user), link, config.confirmTokenTtl(), now)));
        queue.send(MailMessage.of(user.email(), content, "confirm_email"));
    }

    private void sendReset(UserRecord user, String requestOrigin) {
        String token = Secrets.newToken();
        Instant now = clock.instant();
        // One live reset link per user: a new request kills the earlier ones.
        tokens.deleteOneTimeTokens(user.id(), TokenPurpose.RESET_PASSWORD);
        tokens.saveOneTimeToken(new OneTimeToken(TokenHash.of(token), TokenPurpose.RESET_PASSWORD, user.id(),
                now.plus(config.resetTokenTtl()), null));
        String link = resetLink(requestOrigin, token);
        MailContent content = render("reset_password", t -> t.resetPassword(
                new MailContext(User.of(user), link, config.resetTokenTtl(), now)));
        queue.send(MailMessage.of(user.email(), content, "reset_password"));
    }

    String resetLink(String requestOrigin, String token) {
        Optional<URI> page = config.resetPasswordUrl();
        if (page.isPresent()) {
            String url = page.get().toString();
            return url + (page.get().getRawQuery() == null ? "?" : "&") + "token=" + encode(token);
        }
        return origin(requestOrigin) + DEFAULT_RESET_PATH + "?token=" + encode(token);
    }

    /**
     * The origin of links: {@code base-url} without a trailing slash; only with the built-in log mailer, and only
     * when {@code base-url} is unset, the request's origin (SR-39).
     */
    String origin(String requestOrigin) {
        if (config.baseUrl().isPresent()) {
            String base = config.baseUrl().get().toString();
            return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        }
        if (!requestOriginAllowed) {
            // AccessPass.Builder.build() refuses this combination; never fall back to a request header here.
            throw new IllegalStateException("base-url is required for this mailer");
        }
        return requestOrigin != null ? requestOrigin : "http://localhost";
    }

    private Optional<UserRecord> find(String identifier) {
        // Usernames never contain '@', so the two namespaces cannot collide.
        return identifier.indexOf('@') >= 0 ? users.findByEmail(identifier) : users.findByUsername(identifier);
    }

    private boolean allowAddress(String clientAddress) {
        if (clientAddress == null) {
            return true;
        }
        boolean allowed = tokens.recordFailedAttempt("mail-address:" + clientAddress, clock.instant(), CAP_WINDOW)
                .failures() <= ADDRESS_CAP;
        if (!allowed) {
            LOG.debug("mail request cap reached for a client address; nothing sent");
        }
        return allowed;
    }

    private boolean allowRecipient(String kind, UserRecord user) {
        if (user.email() == null) {
            return false; // no address to mail (API.md §7: an unverified provider email is not kept)
        }
        String key = "mail-recipient:" + kind + ":" + Identifiers.emailKey(user.email());
        boolean allowed = tokens.recordFailedAttempt(key, clock.instant(), CAP_WINDOW).failures() <= RECIPIENT_CAP;
        if (!allowed) {
            LOG.debug("mail cap reached for {} mail of user {}; nothing sent", kind, user.id().value());
        }
        return allowed;
    }

    /** Renders with the configured templates; a failing or empty override falls back to the built-in text. */
    private MailContent render(String kind, Function<MailTemplates, MailContent> template) {
        try {
            MailContent content = template.apply(templates);
            if (content != null) {
                return content;
            }
            LOG.error("mail template {} of {} returned null; sending the built-in text", kind,
                    templates.getClass().getName());
        } catch (RuntimeException e) {
            LOG.error("mail template {} of {} failed; sending the built-in text", kind,
                    templates.getClass().getName(), e);
        }
        return template.apply(MailTemplates.defaults());
    }

    /**
     * A present token of our shape. Missing is a validation error; anything else that is not 43 base64url
     * characters cannot be one of ours and is refused before any store access, like an unknown token.
     */
    static String requireToken(String token) {
        if (token == null || token.isEmpty()) {
            throw AccessPassException.validation(new FieldErrors().add("token", "is required"));
        }
        if (!Secrets.isToken(token)) {
            throw invalidGrant();
        }
        return token;
    }

    static AccessPassException invalidGrant() {
        return new AccessPassException(ErrorCode.INVALID_GRANT, BAD_TOKEN);
    }

    private static String encode(String token) {
        return URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        queue.close();
    }
}
