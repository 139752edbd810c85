package dev.accesspass.passkey;

import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.converter.AttestedCredentialDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.AuthenticatorTransport;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A WebAuthn Level 3 relying party on webauthn4j: the options of both ceremonies as the Level 3 JSON shapes, and
 * the verification of a registration and of an assertion. No state: the challenge and the stored credential are
 * given in. Every refusal is a {@link PasskeyRefusedException} whose reason names the check that failed, for the
 * security log only. Thread-safe (webauthn4j's manager is immutable once built).
 *
 * <p>Public for {@code dev.accesspass}'s own use; not API.
 */
public final class RelyingParty {
    /** ES256, EdDSA and RS256, in the order of preference WebAuthn suggests. */
    public static final List<Long> ALGORITHMS = List.of(-7L, -8L, -257L);
    /** The ceremony timeout in the options, in milliseconds (the challenge lives as long). */
    public static final long TIMEOUT_MILLIS = 300_000;

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final ObjectConverter CONVERTER = new ObjectConverter();
    private static final AttestedCredentialDataConverter CREDENTIAL_DATA = new AttestedCredentialDataConverter(CONVERTER);

    private final String rpId;
    private final String rpName;
    private final Set<Origin> origins;
    private final List<PublicKeyCredentialParameters> parameters;
    private final WebAuthnManager manager;

    public RelyingParty(String rpId, String rpName, Set<String> origins) {
        this.rpId = Objects.requireNonNull(rpId, "rpId");
        this.rpName = Objects.requireNonNull(rpName, "rpName");
        Set<Origin> parsed = new LinkedHashSet<>();
        for (String origin : origins) {
            parsed.add(new Origin(origin));
        }
        this.origins = Set.copyOf(parsed);
        List<PublicKeyCredentialParameters> params = new ArrayList<>();
        for (long alg : ALGORITHMS) {
            params.add(new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY,
                    COSEAlgorithmIdentifier.create(alg)));
        }
        this.parameters = List.copyOf(params);
        // Non-strict: attestation "none" (what we ask for) is accepted, and no trust anchors are needed; the
        // origin, RP id hash, challenge, flags, signature and counter are checked all the same.
        this.manager = WebAuthnManager.createNonStrictWebAuthnManager(CONVERTER);
    }

    public String rpId() {
        return rpId;
    }

    /** A stored credential: what {@link #verifyAssertion} needs of it. */
    public record StoredCredential(byte[] credentialData, long signCount, boolean backupEligible,
                                   boolean backupState) {
    }

    /** What a verified registration gives to store. */
    public record Registered(byte[] credentialId, byte[] credentialData, long signCount, Set<String> transports,
                             boolean backupEligible, boolean backupState) {
    }

    /** The two ids an assertion names before it is verified: to find the credential and its user. */
    public record Claimed(byte[] credentialId, byte[] userHandle) {
    }

    /** {@code PublicKeyCredentialCreationOptionsJSON}. */
    public Map<String, Object> creationOptions(byte[] challenge, byte[] userHandle, String userName,
                                               List<byte[]> exclude) {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("challenge", B64.encodeToString(challenge));
        options.put("rp", Map.of("id", rpId, "name", rpName));
        options.put("user", Map.of("id", B64.encodeToString(userHandle), "name", userName,
                "displayName", userName));
        List<Map<String, Object>> algs = new ArrayList<>();
        for (long alg : ALGORITHMS) {
            Map<String, Object> param = new LinkedHashMap<>();
            param.put("type", "public-key");
            param.put("alg", alg);
            algs.add(param);
        }
        options.put("pubKeyCredParams", algs);
        options.put("timeout", TIMEOUT_MILLIS);
        options.put("excludeCredentials", descriptors(exclude));
        Map<String, Object> selection = new LinkedHashMap<>();
        selection.put("residentKey", "required");
        selection.put("requireResidentKey", true);
        selection.put("userVerification", "required");
        options.put("authenticatorSelection", selection);
        options.put("attestation", "none");
        options.put("extensions", Map.of("credProps", true));
        return options;
    }

    /** {@code PublicKeyCredentialRequestOptionsJSON}; an empty {@code allow} is a usernameless request. */
    public Map<String, Object> requestOptions(byte[] challenge, List<byte[]> allow) {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("challenge", B64.encodeToString(challenge));
        options.put("rpId", rpId);
        options.put("timeout", TIMEOUT_MILLIS);
        options.put("allowCredentials", descriptors(allow));
        options.put("userVerification", "required");
        return options;
    }

    private static List<Map<String, Object>> descriptors(List<byte[]> ids) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (byte[] id : ids) {
            Map<String, Object> descriptor = new LinkedHashMap<>();
            descriptor.put("type", "public-key");
            descriptor.put("id", B64.encodeToString(id));
            list.add(descriptor);
        }
        return list;
    }

    /**
     * Verifies a {@code RegistrationResponseJSON} against {@code challenge}: origin, RP id hash, UP and UV,
     * an allowed algorithm, the attestation statement.
     */
    public Registered verifyRegistration(String json, byte[] challenge) {
        RegistrationData data;
        try {
            data = manager.parseRegistrationResponseJSON(json);
        } catch (RuntimeException e) {
            throw new PasskeyRefusedException("malformed registration: " + e.getClass().getSimpleName(), e);
        }
        try {
            manager.verify(data, new RegistrationParameters(server(challenge), parameters, true, true));
        } catch (RuntimeException e) {
            throw new PasskeyRefusedException(reason(e), e);
        }
        AuthenticatorData<?> auth = data.getAttestationObject().getAuthenticatorData();
        AttestedCredentialData credential = auth.getAttestedCredentialData();
        Set<String> transports = new LinkedHashSet<>();
        if (data.getTransports() != null) {
            for (AuthenticatorTransport transport : data.getTransports()) {
                transports.add(transport.getValue());
            }
        }
        return new Registered(credential.getCredentialId(), CREDENTIAL_DATA.convert(credential), auth.getSignCount(),
                Set.copyOf(transports), auth.isFlagBE(), auth.isFlagBS());
    }

    /** Reads the credential id and user handle of an {@code AuthenticationResponseJSON} without verifying it. */
    public Claimed claimed(String json) {
        try {
            AuthenticationData data = manager.parseAuthenticationResponseJSON(json);
            if (data.getCredentialId() == null) {
                throw new PasskeyRefusedException("malformed assertion: no credential id", null);
            }
            return new Claimed(data.getCredentialId(), data.getUserHandle());
        } catch (PasskeyRefusedException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new PasskeyRefusedException("malformed assertion: " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * Verifies an {@code AuthenticationResponseJSON} against {@code challenge} and the stored credential: origin,
     * RP id hash, UP and UV, the signature over the stored public key, and the counter rule (a counter that does not
     * increase, when either value is non-zero, is refused with the reason {@code counter}).
     *
     * @return the authenticator's new signature counter
     */
    public long verifyAssertion(String json, byte[] challenge, StoredCredential stored) {
        AuthenticationData data;
        try {
            data = manager.parseAuthenticationResponseJSON(json);
        } catch (RuntimeException e) {
            throw new PasskeyRefusedException("malformed assertion: " + e.getClass().getSimpleName(), e);
        }
        AttestedCredentialData credentialData;
        try {
            credentialData = CREDENTIAL_DATA.convert(stored.credentialData());
        } catch (RuntimeException e) {
            throw new IllegalStateException("a stored passkey could not be read", e);
        }
        CredentialRecordImpl record = new CredentialRecordImpl(new NoneAttestationStatement(), true,
                stored.backupEligible(), stored.backupState(), stored.signCount(), credentialData, null, null, null,
                null);
        try {
            manager.verify(data, new AuthenticationParameters(server(challenge), record,
                    List.of(credentialData.getCredentialId()), true, true));
        } catch (RuntimeException e) {
            throw new PasskeyRefusedException(reason(e), e);
        }
        return data.getAuthenticatorData().getSignCount();
    }

    private ServerProperty server(byte[] challenge) {
        return ServerProperty.builder().origins(origins).rpId(rpId).challenge(new DefaultChallenge(challenge))
                .build();
    }

    /** The security log's name for a failed check. */
    private static String reason(RuntimeException e) {
        String name = e.getClass().getSimpleName();
        return switch (name) {
            case "BadOriginException" -> "origin";
            case "BadRpIdException" -> "rp_id";
            case "BadChallengeException", "MissingChallengeException" -> "challenge";
            case "UserNotVerifiedException" -> "user_verification";
            case "UserNotPresentException" -> "user_presence";
            case "BadSignatureException" -> "signature";
            case "MaliciousCounterValueException" -> "counter";
            case "NotAllowedAlgorithmException", "BadAlgorithmException" -> "algorithm";
            case "InconsistentClientDataTypeException" -> "client_data_type";
            case "NotAllowedCredentialIdException" -> "credential_id";
            default -> "invalid: " + name;
        };
    }
}
