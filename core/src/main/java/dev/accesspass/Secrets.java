package dev.accesspass;

import dev.accesspass.store.TokenHash;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints every secret AccessPass hands out, and seals a successor token pair under its parent refresh token.
 *
 * <p>One shared {@code new SecureRandom()} (SR-01): not {@code getInstanceStrong()}, which is the blocking
 * NativePRNG on Linux and can stall under load. Tokens are 32 random bytes, base64url without padding: 43
 * characters, carrying no user data. Thread-safe.
 */
final class Secrets {
    static final int TOKEN_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final byte[] SEAL_LABEL = "accesspass successor seal v1".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE_BYTES = 12;

    private Secrets() {
    }

    /** Length of every token we mint: 32 bytes in unpadded base64url. */
    static final int TOKEN_LENGTH = 43;

    /**
     * Whether {@code candidate} has the shape of a token we mint: exactly {@value #TOKEN_LENGTH} base64url
     * characters. The one shape check of every token AccessPass accepts (access, refresh, one-time, OAuth state and
     * browser binding), applied before any hashing or store access, so a string that cannot be ours never reaches
     * a store (SR-05), whichever door it came through: the filter or the Java API. A loop, not a regex: it runs on
     * every token check.
     */
    static boolean isToken(String candidate) {
        return readToken(candidate, TOKEN_TEXT.get());
    }

    /**
     * The digest of {@code candidate} if it has the shape of {@link #isToken}, else null: the shape check and the
     * copy of the text for hashing in one pass over it, as this runs on every authenticated request.
     */
    static TokenHash digestIfToken(String candidate) {
        byte[] text = TOKEN_TEXT.get();
        return readToken(candidate, text) ? TokenHash.of(text, 0, TOKEN_LENGTH) : null;
    }

    /** {@link #isToken}'s check, copying the characters into {@code text} as it goes (whatever the outcome). */
    private static boolean readToken(String candidate, byte[] text) {
        if (candidate == null || candidate.length() != TOKEN_LENGTH) {
            return false;
        }
        for (int i = 0; i < TOKEN_LENGTH; i++) {
            char c = candidate.charAt(i);
            // One table load per character: a third cheaper than the two-word bit mask it replaced (every request).
            if (c >= 128 || !TOKEN_ALPHABET[c]) {
                return false;
            }
            text[i] = (byte) c;
        }
        return true;
    }

    /** Each thread's copy of the token text that {@link #readToken} writes: no array per check. */
    private static final ThreadLocal<byte[]> TOKEN_TEXT = ThreadLocal.withInitial(() -> new byte[TOKEN_LENGTH]);

    /** {@code TOKEN_ALPHABET[c]} for each character {@code c} of the base64url alphabet, below 128. */
    private static final boolean[] TOKEN_ALPHABET = alphabet(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private static boolean[] alphabet(String alphabet) {
        boolean[] member = new boolean[128];
        for (char c : alphabet.toCharArray()) {
            member[c] = true;
        }
        return member;
    }

    /** A new 256-bit token, 43 base64url characters. */
    static String newToken() {
        byte[] bytes = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(bytes);
        return BASE64URL.encodeToString(bytes);
    }

    /**
     * Encrypts the successor pair with AES-256-GCM under a key derived from the parent refresh token. Only a holder
     * of the parent token can open it again, so the store keeps no plaintext token, yet a repeat of the parent
     * inside the grace window can be answered with the very same pair.
     */
    static byte[] seal(String parentToken, String accessToken, String refreshToken) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, sealKey(parentToken), new GCMParameterSpec(128, nonce));
            byte[] sealed = cipher.doFinal((accessToken + ' ' + refreshToken).getBytes(StandardCharsets.US_ASCII));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is required of every Java runtime", e);
        }
    }

    /** Opens a sealed pair: {@code [access, refresh]}, or empty if the parent token does not fit. */
    static Optional<String[]> unseal(String parentToken, byte[] sealed) {
        if (sealed == null || sealed.length <= NONCE_BYTES) {
            return Optional.empty();
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, sealKey(parentToken), new GCMParameterSpec(128, sealed, 0, NONCE_BYTES));
            String pair = new String(cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES),
                    StandardCharsets.US_ASCII);
            int space = pair.indexOf(' ');
            return space < 0 ? Optional.empty()
                    : Optional.of(new String[] {pair.substring(0, space), pair.substring(space + 1)});
        } catch (GeneralSecurityException e) {
            // A wrong key fails the GCM tag check: treat as "cannot re-deliver", never as an error.
            return Optional.empty();
        }
    }

    private static SecretKeySpec sealKey(String parentToken) throws GeneralSecurityException {
        // HMAC-SHA256 keyed with the 256-bit token is a sound KDF for a uniformly random secret (RFC 5869 extract).
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(parentToken.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
        return new SecretKeySpec(mac.doFinal(SEAL_LABEL), "AES");
    }
}
