package io.keywordsbackfill.delivery;

import io.keywordsbackfill.support.EmbeddedH2;

/** The ledger on H2 (the default embedded database). */
class H2LedgerTests extends LedgerTests {

	@Override
	String url() {
		return EmbeddedH2.newDatabaseUrl();
	}

	@Override
	String user() {
		return "sa";
	}

}
