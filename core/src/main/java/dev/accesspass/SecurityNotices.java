package dev.accesspass;

import dev.accesspass.mail.MailContext;
import dev.accesspass.store.SessionMetadata;
import dev.accesspass.store.UserRecord;
import java.time.Clock;
import java.time.Instant;

/**
 * The short notices to the account's own address after a security-relevant change (with
 * {@code notify-security-changes}, default on) and after a login from a new device (with {@code notify-new-device},
 * default off). A notice says what happened, when (UTC), from which address and browser, and what to do if it was
 * not the user; it never carries a token or a link that changes anything. Each one is queued on the mail queue, so
 * it never slows the response, and none is capped: they go to the account's owner only.
 *
 * <p>{@link #notify(UserRecord, String, String, ClientContext)} is the one method the other flows call (MFA on or
 * off, a recovery code used, a passkey added or removed use it with their own event names). Thread-safe.
 */
final class SecurityNotices {
    private final AccessPassConfig config;
    private final Clock clock;
    private final EmailFlows email;

    private final KnownDevices devices;

    SecurityNotices(ServiceContext context, EmailFlows email) {
        this.config = context.config();
        this.clock = context.clock();
        this.email = email;
        this.devices = context.devices();
    }

    /**
     * Queues a {@code securityNotice} about {@code event} to the user's current address.
     *
     * @param detail the event's one variable (the new address, the provider), or {@code null}
     */
    void notify(UserRecord user, String event, String detail, ClientContext client) {
        if (config.notifySecurityChanges()) {
            send(user, user.email(), event, detail, client);
        }
    }

    /** Like {@link #notify} but to {@code address}: an email change is announced to the address it replaced. */
    void notifyAt(String address, UserRecord user, String event, String detail, ClientContext client) {
        if (config.notifySecurityChanges()) {
            send(user, address, event, detail, client);
        }
    }

    /** After a password change or reset: the {@code passwordChanged} message, with where it came from. */
    void passwordChanged(UserRecord user, Instant at, ClientContext client) {
        if (!config.notifySecurityChanges() || user.email() == null) {
            return;
        }
        MailContext context = context(user, at, "password_changed", null, client);
        email.sendNotice("password_changed", user.email(), t -> t.passwordChanged(context));
    }

    /** After every successful login: a notice when {@code notify-new-device} is on and the browser is new. */
    void loggedIn(UserRecord user, ClientContext client) {
        if (config.notifyNewDevice() && !knownDevice(user, client)) {
            send(user, user.email(), "new_device_login", null, client);
        }
    }

    /**
     * Whether {@code client} presented a valid device cookie of {@code user}: the one place that decides "new
     * device" for the notice. Asked while the session opens, before the login renews or sets the cookie, so it
     * sees what the browser brought.
     */
    boolean knownDevice(UserRecord user, ClientContext client) {
        return devices.isKnown(user.id(), client);
    }

    private void send(UserRecord user, String address, String event, String detail, ClientContext client) {
        if (address == null) {
            return; // a user without an address (from a provider that verified none): nowhere to write
        }
        MailContext context = context(user, clock.instant(), event, detail, client);
        email.sendNotice(event, address, t -> t.securityNotice(context));
    }

    private static MailContext context(UserRecord user, Instant at, String event, String detail,
                                       ClientContext client) {
        ClientContext from = client == null ? ClientContext.none() : client;
        SessionMetadata cleaned = SessionMetadata.of(from.address(), from.userAgent(), "notice", null, at, 1);
        return new MailContext(User.of(user), null, null, at, event, cleaned.address(), cleaned.userAgent(), detail);
    }
}
