# One image for the web process and the worker (docker-compose.yml picks the command).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1

COPY package.json package-lock.json ./
# Falls back to `npm install` when `npm ci` rejects the lock file, as scripts/lib/project.mjs does.
RUN npm ci --no-audit --no-fund || npm install --no-audit --no-fund

COPY . .
RUN npm run prisma:generate && npx next build

ENV NODE_ENV=production PORT=3000 STORAGE_DIR=/data/uploads
EXPOSE 3000
CMD ["node", "--import", "tsx", "server.ts"]
