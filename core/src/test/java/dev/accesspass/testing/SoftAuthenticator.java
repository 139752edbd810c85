package dev.accesspass.testing;

import com.webauthn4j.converter.AttestationObjectConverter;
import com.webauthn4j.converter.AuthenticatorDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.attestation.AttestationObject;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.EC2COSEKey;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * A software WebAuthn authenticator for tests: one ES256 resident credential on the JDK's EC keys, CBOR by
 * webauthn4j's converters. It answers a ceremony's options with the browser's {@code toJSON()} shapes
 * ({@code RegistrationResponseJSON}, {@code AuthenticationResponseJSON}), and each knob makes one check fail: the
 * origin and RP id it claims, the UP and UV flags, the counter, a broken signature. Not thread-safe.
 */
public final class SoftAuthenticator {
    private static final ObjectConverter CONVERTER = new ObjectConverter();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair keys;
    private final byte[] credentialId = new byte[16];
    private byte[] userHandle;
    /** What the next ceremony claims; change for a refusal test, then set back. */
    public String origin;
    public String rpId;
    public boolean userPresent = true;
    public boolean userVerified = true;
    public boolean breakSignature;
    public boolean sendUserHandle = true;
    /** The counter the next assertion sends (then incremented unless {@link #fixedCounter}). */
    public long counter;
    public boolean fixedCounter;

    public SoftAuthenticator(String rpId, String origin) {
        this.rpId = rpId;
        this.origin = origin;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            this.keys = generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        RANDOM.nextBytes(credentialId);
    }

    /** The credential id, base64url: the passkey's id in the API. */
    public String id() {
        return B64.encodeToString(credentialId);
    }

    /** The user handle the credential was registered under (base64url), or null before {@link #register}. */
    public String userHandle() {
        return userHandle == null ? null : B64.encodeToString(userHandle);
    }

    /** Takes this credential's identity (id and key) from another authenticator: a clone. */
    public SoftAuthenticator(SoftAuthenticator original) {
        this.keys = original.keys;
        System.arraycopy(original.credentialId, 0, credentialId, 0, credentialId.length);
        this.userHandle = original.userHandle;
        this.rpId = original.rpId;
        this.origin = original.origin;
        this.counter = original.counter;
    }

    /**
     * Answers {@code navigator.credentials.create()}: the {@code RegistrationResponseJSON} for a challenge and user
     * id (both base64url, as in the creation options).
     */
    public String register(String challenge, String userId) {
        userHandle = B64D.decode(userId);
        byte[] clientData = clientData("webauthn.create", challenge);
        EC2COSEKey key = EC2COSEKey.create((ECPublicKey) keys.getPublic(), COSEAlgorithmIdentifier.ES256);
        AttestedCredentialData attested = new AttestedCredentialData(AAGUID.ZERO, credentialId, key);
        AuthenticatorData<com.webauthn4j.data.extension.authenticator.RegistrationExtensionAuthenticatorOutput> data =
                new AuthenticatorData<>(sha256(rpId.getBytes(StandardCharsets.UTF_8)),
                        (byte) (flags() | 0x40), counter, attested);
        byte[] attestation = new AttestationObjectConverter(CONVERTER)
                .convertToBytes(new AttestationObject(data, new NoneAttestationStatement()));
        byte[] authData = new AuthenticatorDataConverter(CONVERTER).convert(data);
        return "{\"id\":\"" + id() + "\",\"rawId\":\"" + id() + "\",\"type\":\"public-key\","
                + "\"authenticatorAttachment\":\"platform\",\"clientExtensionResults\":{\"credProps\":{\"rk\":true}},"
                + "\"response\":{\"clientDataJSON\":\"" + B64.encodeToString(clientData) + "\","
                + "\"attestationObject\":\"" + B64.encodeToString(attestation) + "\","
                + "\"authenticatorData\":\"" + B64.encodeToString(authData) + "\","
                + "\"transports\":[\"internal\"],\"publicKeyAlgorithm\":-7,"
                + "\"publicKey\":\"" + B64.encodeToString(keys.getPublic().getEncoded()) + "\"}}";
    }

    /** Answers {@code navigator.credentials.get()}: the {@code AuthenticationResponseJSON} for a challenge. */
    public String assertion(String challenge) {
        byte[] clientData = clientData("webauthn.get", challenge);
        byte[] authData = new AuthenticatorDataConverter(CONVERTER).convert(new AuthenticatorData<>(
                sha256(rpId.getBytes(StandardCharsets.UTF_8)), flags(), counter));
        if (!fixedCounter) {
            counter++;
        }
        byte[] signature;
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(keys.getPrivate());
            signer.update(authData);
            signer.update(sha256(clientData));
            signature = signer.sign();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        if (breakSignature) {
            signature[signature.length - 1] ^= 1;
        }
        String handle = sendUserHandle && userHandle != null ? "\"" + B64.encodeToString(userHandle) + "\"" : "null";
        return "{\"id\":\"" + id() + "\",\"rawId\":\"" + id() + "\",\"type\":\"public-key\","
                + "\"authenticatorAttachment\":\"platform\",\"clientExtensionResults\":{},"
                + "\"response\":{\"clientDataJSON\":\"" + B64.encodeToString(clientData) + "\","
                + "\"authenticatorData\":\"" + B64.encodeToString(authData) + "\","
                + "\"signature\":\"" + B64.encodeToString(signature) + "\",\"userHandle\":" + handle + "}}";
    }

    private byte flags() {
        return (byte) ((userPresent ? 0x01 : 0) | (userVerified ? 0x04 : 0));
    }

    private byte[] clientData(String type, String challenge) {
        return ("{\"type\":\"" + type + "\",\"challenge\":\"" + challenge + "\",\"origin\":\"" + origin
                + "\",\"crossOrigin\":false}").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] sha256(byte[] value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
