package io.prometheusrelay.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS lock on {@code <data-dir>/.lock}, held for the life of what owns the directory
 * (an api-server's store, a forwarder's hand-off log), so that two instances never write one
 * directory. The OS drops it when the process dies, even by SIGKILL.
 */
public final class DataDirectoryLock implements AutoCloseable {

	/** The lock file's name in the directory. */
	public static final String LOCK_FILE = ".lock";

	private final FileChannel channel;

	private final FileLock lock;

	private DataDirectoryLock(FileChannel channel, FileLock lock) {
		this.channel = channel;
		this.lock = lock;
	}

	/**
	 * Locks {@code dataDir} for this process.
	 * @param owner what the directory belongs to, for the error message ("api-server")
	 * @throws DataDirectoryInUseException if another instance holds the lock
	 */
	public static DataDirectoryLock acquire(Path dataDir, String owner) throws IOException {
		Path lockFile = dataDir.resolve(LOCK_FILE);
		FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
				StandardOpenOption.WRITE);
		FileLock lock;
		try {
			lock = channel.tryLock();
		}
		catch (OverlappingFileLockException ex) {
			lock = null;
		}
		if (lock == null) {
			String holder = Files.readString(lockFile, StandardCharsets.UTF_8).trim();
			channel.close();
			throw new DataDirectoryInUseException(dataDir, owner, holder);
		}
		channel.truncate(0);
		channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
		channel.force(true);
		return new DataDirectoryLock(channel, lock);
	}

	@Override
	public void close() throws IOException {
		this.lock.release();
		this.channel.close();
	}

	/** Another process (or another store in this one) owns the directory. */
	public static final class DataDirectoryInUseException extends IOException {

		DataDirectoryInUseException(Path dataDir, String owner, String holder) {
			super("Data directory " + dataDir + " is in use by another " + owner
					+ (holder.isEmpty() ? "" : " (" + holder + ")") + "; give each instance its own directory");
		}

	}

}
