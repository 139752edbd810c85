package dev.accesspass.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 digest of a token: the only form in which any token is kept at rest or used as a lookup key.
 *
 * <p>Held as four longs rather than a {@code byte[]} so that a live session costs fewer bytes in the in-memory store
 * and equality needs no array copy. Equality folds all four words together without short-circuiting; lookups by
 * digest are safe anyway, since an attacker cannot steer the digest of a token they guess.
 */
public final class TokenHash {
    /** Length of the digest in bytes. */
    public static final int LENGTH = 32;

    /**
     * One digest and its buffers per thread: {@code MessageDigest.getInstance} costs about a tenth of a token check,
     * and {@code digest()} resets the instance, so reuse is safe. The buffers spare the check the text's byte copy
     * and the digest's result array (this runs on every authenticated request).
     */
    private static final ThreadLocal<Hasher> SHA256 = ThreadLocal.withInitial(Hasher::new);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    // Package-private for the in-memory store, which keeps the words inline (AccessIndex).
    final long w0;
    final long w1;
    final long w2;
    final long w3;

    TokenHash(long w0, long w1, long w2, long w3) {
        this.w0 = w0;
        this.w1 = w1;
        this.w2 = w2;
        this.w3 = w3;
    }

    /** The digest of a token as the client presents it (its ASCII text). */
    public static TokenHash of(String token) {
        return SHA256.get().hash(token);
    }

    /**
     * The digest of {@code length} bytes of {@code text} from {@code offset}: for a caller that has read a token's
     * ASCII text out already, e.g. while checking its shape, so that the text is walked once per check, not twice.
     *
     * @throws IllegalArgumentException if the range is not inside {@code text}
     */
    public static TokenHash of(byte[] text, int offset, int length) {
        return SHA256.get().hash(text, offset, length);
    }

    /** A digest read back from storage. */
    public static TokenHash fromBytes(byte[] digest) {
        if (digest == null || digest.length != LENGTH) {
            throw new IllegalArgumentException("a token hash is " + LENGTH + " bytes");
        }
        ByteBuffer buffer = ByteBuffer.wrap(digest);
        return new TokenHash(buffer.getLong(), buffer.getLong(), buffer.getLong(), buffer.getLong());
    }

    /** A digest read back from its 64-character hex form. */
    public static TokenHash fromHex(String hex) {
        return fromBytes(HexFormat.of().parseHex(hex));
    }

    /** A fresh copy of the 32 digest bytes. */
    public byte[] bytes() {
        return ByteBuffer.allocate(LENGTH).putLong(w0).putLong(w1).putLong(w2).putLong(w3).array();
    }

    /** The 64-character lower-case hex form. */
    public String hex() {
        return HexFormat.of().formatHex(bytes());
    }

    /** The first 8 hex characters: enough to correlate log lines, useless to an attacker. */
    public String fingerprint() {
        return hex().substring(0, 8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TokenHash that && that.hasWords(w0, w1, w2, w3);
    }

    /**
     * Whether this digest's words are these, for a store that keeps the words inline (the in-memory index). No early
     * exit on the first differing word (SR-03).
     */
    boolean hasWords(long v0, long v1, long v2, long v3) {
        return ((w0 ^ v0) | (w1 ^ v1) | (w2 ^ v2) | (w3 ^ v3)) == 0;
    }

    @Override
    public int hashCode() {
        // The digest is uniformly random already; any 32 of its bits make a good hash code.
        return (int) w0;
    }

    /** Never the digest itself, so that a stray log line cannot leak it either. */
    @Override
    public String toString() {
        return "TokenHash[" + fingerprint() + "…]";
    }

    /** A thread's SHA-256 and the buffers it reuses; used by one thread only. */
    private static final class Hasher {
        /** Longer texts than this (never one of our tokens) take the general path. */
        private static final int TEXT_BUFFER = 128;
        private final MessageDigest sha256 = sha256();
        private final byte[] text = new byte[TEXT_BUFFER];
        private final byte[] digest = new byte[LENGTH];

        TokenHash hash(String token) {
            int length = token.length();
            if (length > TEXT_BUFFER) {
                return fromBytes(sha256.digest(token.getBytes(StandardCharsets.US_ASCII)));
            }
            for (int i = 0; i < length; i++) {
                char c = token.charAt(i);
                if (c >= 0x80) {
                    // Not ASCII: the encoder's replacement rules (one '?' per unmappable code point) decide.
                    return fromBytes(sha256.digest(token.getBytes(StandardCharsets.US_ASCII)));
                }
                text[i] = (byte) c;
            }
            return hash(text, 0, length);
        }

        TokenHash hash(byte[] bytes, int offset, int length) {
            sha256.update(bytes, offset, length);
            try {
                sha256.digest(digest, 0, LENGTH);
            } catch (DigestException e) {
                throw new IllegalStateException("SHA-256 digests are " + LENGTH + " bytes", e);
            }
            return new TokenHash((long) LONGS.get(digest, 0), (long) LONGS.get(digest, 8),
                    (long) LONGS.get(digest, 16), (long) LONGS.get(digest, 24));
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
