package io.keywordsbackfill.schedule;

import io.keywordsbackfill.support.EmbeddedPostgres;

/** The job lock on a real PostgreSQL server. */
class PostgresJobLockTests extends JobLockTests {

	@Override
	String url() {
		return EmbeddedPostgres.newDatabaseUrl();
	}

	@Override
	String user() {
		return "postgres";
	}

}
