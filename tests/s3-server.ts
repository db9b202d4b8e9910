/**
 * A local S3-compatible server for tests (s3rver, a stand-in: no real object store can be reached
 * from the test machines), run as its own process so its memory is not the tests'. Serves the
 * bucket S3_BUCKET from the folder argv[2] on a free port of 127.0.0.1, prints the port on its
 * first line, and stops on SIGTERM. Its credentials are s3rver's fixed ones (S3RVER_CREDENTIALS).
 */
import S3rver from "s3rver";

const directory = process.argv[2];
const bucket = process.env.S3_BUCKET ?? "docsum";
const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
const address = await server.run();
console.log(address.port);
process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
