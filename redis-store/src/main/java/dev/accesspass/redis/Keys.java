package dev.accesspass.redis;

import dev.accesspass.UserId;
import dev.accesspass.store.TokenHash;
import dev.accesspass.store.TokenPurpose;

/**
 * Every key the store writes, in one place. Token digests appear as lower-case hex of their SHA-256; nothing else
 * of a token is ever stored. The layout:
 *
 * <pre>
 * ap:{&lt;session&gt;}:s          hash   the session: user, epoch, created, ends, meta, current pair (a, ax, r, rx),
 *                                  previous access token (pa, pax)
 * ap:{&lt;session&gt;}:u          hash   its used refresh tokens: digest → "rotatedAt successor", p:digest → sealed
 *                                  pair (of the last one only), ring → the last {@value RedisSessions#USED_HISTORY}
 * ap:a:&lt;digest&gt;             string access token → session id (a pointer; the session hash decides)
 * ap:r:&lt;digest&gt;             string refresh token, live or used → session id (a pointer)
 * ap:{u:&lt;user&gt;}:s           set    the user's session ids, for revoke-all
 * ap:o:&lt;PURPOSE&gt;:&lt;digest&gt;  string a one-time token: expiry, user, payload (JSON)
 * ap:{u:&lt;user&gt;}:o:&lt;PURPOSE&gt; set  the user's one-time digests of that purpose
 * ap:f:&lt;attempt key&gt;        hash   failed logins: n, end of the window
 * ap:d:&lt;digest&gt;             string a known device's cookie digest → its user id (a pointer; the user's set decides)
 * ap:{u:&lt;user&gt;}:d           zset   the user's known device digests by expiry (at most
 *                                  {@value dev.accesspass.store.TokenStore#KNOWN_DEVICES_PER_USER})
 * ap:purge:s, ap:purge:o     zset   session ids and one-time keys by the time they are dead, for purgeExpired
 * ap:purge:d                 zset   "&lt;device digest&gt;:&lt;user&gt;" by the device's expiry, for purgeExpired
 * </pre>
 *
 * The braces are Cluster hash tags: the two keys of one session share a slot, so the scripts that change a session
 * run on one node. A pointer cannot share that slot (it is found by the token alone), so it is only ever a hint.
 */
final class Keys {
    static final String PURGE_SESSIONS = "ap:purge:s";
    static final String PURGE_ONE_TIME = "ap:purge:o";
    static final String PURGE_DEVICES = "ap:purge:d";

    private Keys() {
    }

    static String session(String id) {
        return "ap:{" + id + "}:s";
    }

    static String used(String id) {
        return "ap:{" + id + "}:u";
    }

    static String access(TokenHash digest) {
        return "ap:a:" + digest.hex();
    }

    static String refresh(TokenHash digest) {
        return "ap:r:" + digest.hex();
    }

    /** A pointer named by a script: {@code a:<hex>} or {@code r:<hex>}. */
    static String pointer(String kindAndHex) {
        return "ap:" + kindAndHex;
    }

    static String userSessions(UserId user) {
        return "ap:{u:" + user.value() + "}:s";
    }

    static String oneTime(TokenHash digest, TokenPurpose purpose) {
        return "ap:o:" + purpose.name() + ":" + digest.hex();
    }

    static String userOneTime(UserId user, TokenPurpose purpose) {
        return "ap:{u:" + user.value() + "}:o:" + purpose.name();
    }

    static String device(TokenHash digest) {
        return "ap:d:" + digest.hex();
    }

    static String userDevices(UserId user) {
        return "ap:{u:" + user.value() + "}:d";
    }

    static String attempts(String key) {
        return "ap:f:" + key;
    }
}
