package io.prometheusrelay.tsdb;

import java.io.IOException;
import java.util.List;

import io.prometheusrelay.log.SegmentedLog;
import io.prometheusrelay.tsdb.block.Block;
import io.prometheusrelay.tsdb.head.Head;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention by age and by size, a block at a time, oldest first. The newest sample of what is
 * deleted becomes the retention floor first, so that catching up from a peer does not bring it back.
 */
final class Retention {

	private static final Logger logger = LoggerFactory.getLogger(Retention.class);

	private final TsdbOptions options;

	private final Head head;

	private final SegmentedLog wal;

	private final BlockSet blocks;

	private final TsdbMetrics metrics;

	private final RetentionFloor floor;

	Retention(TsdbOptions options, Head head, SegmentedLog wal, BlockSet blocks, TsdbMetrics metrics,
			RetentionFloor floor) {
		this.options = options;
		this.head = head;
		this.wal = wal;
		this.blocks = blocks;
		this.metrics = metrics;
		this.floor = floor;
	}

	/**
	 * Deletes the blocks past the age limit (counted back from the newest sample stored), then the
	 * oldest while blocks and log together are over the size limit.
	 */
	void apply() throws IOException {
		long newest = Math.max(this.head.maxTime(), this.blocks.maxTime());
		long oldestKept = newest - this.options.retentionMaxAge().toMillis();
		for (Block block : this.blocks.blocks()) {
			if (block.meta().maxTime() <= oldestKept) {
				delete(block, "older than " + this.options.retentionMaxAge());
				this.metrics.retentionDeletionsAge.increment();
			}
		}
		List<Block> remaining = this.blocks.blocks();
		int i = 0;
		while (i < remaining.size() && this.blocks.sizeBytes() + this.wal.sizeBytes() > this.options.retentionMaxBytes()) {
			delete(remaining.get(i++), "over " + this.options.retentionMaxBytes() + " bytes");
			this.metrics.retentionDeletionsSize.increment();
		}
	}

	private void delete(Block block, String why) throws IOException {
		this.floor.raise(block.maxTime());
		this.blocks.delete(block);
		logger.info("Retention deleted block {} [{}, {}): {}", block.meta().ulid(), block.meta().minTime(),
				block.meta().maxTime(), why);
	}

}
