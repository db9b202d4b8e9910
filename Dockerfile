# One image for the web process and the worker (docker-compose.yml picks the command).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1

# OCR of scanned pages and photos: Tesseract with its English data, and poppler's pdftoppm to render
# PDF pages; prlimit (util-linux) for the parser processes' memory limit.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng poppler-utils img2pdf util-linux \
  && rm -rf /var/lib/apt/lists/*

COPY package.json package-lock.json ./
# Exactly the versions of the lock file: `npm ci` or nothing.
RUN npm ci --no-audit --no-fund

COPY . .
RUN npm run prisma:generate && npx next build

# The app runs as an unprivileged user that owns only its data folder.
RUN mkdir -p /data/uploads && chown -R node:node /data
USER node

# In a container the web process listens on every interface (the container's own network).
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data STORAGE_DIR=/data/uploads
EXPOSE 3000
CMD ["node", "--import", "tsx", "server.ts"]
