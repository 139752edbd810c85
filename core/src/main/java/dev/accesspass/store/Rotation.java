package dev.accesspass.store;

import dev.accesspass.SessionId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** The outcome of {@link TokenStore#rotate}. */
public sealed interface Rotation {

    /** The presented token was live and is now used; the successor is the session's live pair. */
    record Rotated(SessionGrant session) implements Rotation {
        public Rotated {
            Objects.requireNonNull(session, "session");
        }
    }

    /**
     * The presented token was rotated before. Core decides between the grace window and reuse detection.
     *
     * @param rotatedAt      when it was rotated
     * @param sealedPair     the successor pair sealed at that rotation; may be empty when there is no live
     *                       successor (it could never be handed out then, so a store may drop it to save memory)
     * @param liveSuccessor  the session as it is now, present only if the presented token's direct successor is
     *                       still the session's live refresh token (so handing back the sealed pair is safe)
     */
    record AlreadyRotated(SessionId session, Instant rotatedAt, byte[] sealedPair,
                          Optional<SessionGrant> liveSuccessor) implements Rotation {
        public AlreadyRotated {
            Objects.requireNonNull(session, "session");
            Objects.requireNonNull(rotatedAt, "rotatedAt");
            Objects.requireNonNull(sealedPair, "sealedPair");
            Objects.requireNonNull(liveSuccessor, "liveSuccessor");
        }
    }

    /** Unknown, expired, or its session was revoked or has ended. */
    record Rejected() implements Rotation {
    }
}
