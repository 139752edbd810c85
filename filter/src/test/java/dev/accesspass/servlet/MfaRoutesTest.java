package dev.accesspass.servlet;

import dev.accesspass.servlet.testing.MfaJourneyContract;
import dev.accesspass.servlet.testing.TestServer;

/** The second-factor journeys of API.md §8 on the in-memory stores. */
class MfaRoutesTest extends MfaJourneyContract {
    @Override
    protected TestServer.Builder serverBuilder() {
        return TestServer.builder();
    }
}
