package io.keywordsbackfill.schedule;

import java.util.UUID;

/** The job lock on H2 (the default embedded database). */
class H2JobLockTests extends JobLockTests {

	@Override
	String url() {
		return "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
	}

	@Override
	String user() {
		return "sa";
	}

}
