package io.keywordsbackfill.schedule;

import io.keywordsbackfill.support.EmbeddedH2;

/** The job lock on H2 (the default embedded database). */
class H2JobLockTests extends JobLockTests {

	@Override
	String url() {
		return EmbeddedH2.newDatabaseUrl();
	}

	@Override
	String user() {
		return "sa";
	}

}
