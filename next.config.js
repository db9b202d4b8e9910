/** @type {import('next').NextConfig} */
const nextConfig = {
  // Server-side packages loaded from node_modules at run time rather than bundled (hnswlib-node: a native addon, which search loads in the web process).
  serverExternalPackages: ["bullmq", "ioredis", "pg", "@prisma/adapter-pg", "pdf-parse", "busboy", "file-type", "@socket.io/redis-emitter", "@aws-sdk/client-s3", "@aws-sdk/lib-storage", "hnswlib-node", "prom-client"],
  poweredByHeader: false,
  typescript: { tsconfigPath: "tsconfig.build.json" },
};

export default nextConfig;
