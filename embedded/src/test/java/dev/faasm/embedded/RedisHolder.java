package dev.faasm.embedded;

/** Run in a child JVM by {@link EmbeddedRedisIT}: starts a server, prints its directory and port, then waits to be killed. */
public final class RedisHolder {
  private RedisHolder() {}

  public static void main(String[] args) throws InterruptedException {
    EmbeddedRedis redis = EmbeddedRedis.start(0);
    System.out.println("dir=" + redis.workDir());
    System.out.println("port=" + redis.port());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
