package dev.accesspass;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a TOTP secret is kept in the user store: sealed with AES-GCM under {@code secret-encryption-key} when that is
 * set ({@code gcm:} + base64 of nonce and ciphertext, the user id as associated data, so a sealed secret copied to
 * another user does not open), else as {@code plain:} + base32. Both forms stay readable whatever the setting, so
 * turning the key on later does not lock existing users out. Thread-safe.
 */
final class SecretSeal {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE = 12;

    private final SecretKeySpec key;

    /** @param key 32 bytes, or null to store secrets unsealed */
    SecretSeal(byte[] key) {
        this.key = key == null ? null : new SecretKeySpec(key, "AES");
    }

    boolean sealing() {
        return key != null;
    }

    String seal(byte[] secret, UserId user) {
        if (key == null) {
            return "plain:" + Base32.encode(secret);
        }
        try {
            byte[] nonce = new byte[NONCE];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(user.value().getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(secret);
            return "gcm:" + Base64.getEncoder().encodeToString(
                    ByteBuffer.allocate(NONCE + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is missing from this JVM", e);
        }
    }

    /** @throws IllegalStateException when a sealed secret cannot be opened (no key, or another key) */
    byte[] open(String stored, UserId user) {
        if (stored.startsWith("plain:")) {
            return Base32.decode(stored.substring(6));
        }
        if (!stored.startsWith("gcm:") || key == null) {
            throw new IllegalStateException("a TOTP secret is sealed but secret-encryption-key is not set");
        }
        try {
            byte[] all = Base64.getDecoder().decode(stored.substring(4));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, all, 0, NONCE));
            cipher.updateAAD(user.value().getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(all, NONCE, all.length - NONCE);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("a TOTP secret does not open with secret-encryption-key", e);
        }
    }
}
