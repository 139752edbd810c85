package dev.accesspass.store;

/** The memory store against the shared contract. */
class InMemoryUserStoreTest extends UserStoreContract {

    @Override
    protected UserStore newStore() {
        return UserStore.inMemory();
    }
}
