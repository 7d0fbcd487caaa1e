package io.keywordsbackfill.delivery;

import java.util.UUID;

/** The ledger on H2 (the default embedded database). */
class H2LedgerTests extends LedgerTests {

	@Override
	String url() {
		return "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
	}

	@Override
	String user() {
		return "sa";
	}

}
