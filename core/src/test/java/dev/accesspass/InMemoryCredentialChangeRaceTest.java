package dev.accesspass;

/** SR-71 races on the in-memory stores. */
class InMemoryCredentialChangeRaceTest extends CredentialChangeRaceContract {
    @Override
    protected AccessPassConfig.Builder config() {
        return AccessPassConfig.builder();
    }
}
