package io.keywordsbackfill.remote;

import org.springframework.batch.integration.partition.StepExecutionRequest;

import tools.jackson.databind.json.JsonMapper;

/**
 * The body of a partition message: Spring Batch's {@link StepExecutionRequest} with the run it belongs to, as
 * JSON (rather than Java serialization, which a consumer should not have to trust).
 *
 * @param stepName the worker step to run ({@code deliver-partition})
 * @param stepExecutionId the partition's step execution, created by the manager in the job repository
 * @param jobExecutionId the run
 */
record PartitionRequest(String stepName, long stepExecutionId, long jobExecutionId) {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	byte[] toJson() {
		return JSON.writeValueAsBytes(this);
	}

	static PartitionRequest fromJson(byte[] body) {
		return JSON.readValue(body, PartitionRequest.class);
	}

	StepExecutionRequest toStepExecutionRequest() {
		return new StepExecutionRequest(stepName, stepExecutionId);
	}

}
