ALTER TABLE `shards` ADD `throttled_read_requests` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `shards` ADD `failed_write_requests` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `shards` ADD `throttled_write_requests` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `shards` ADD `bytes_read` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `shards` ADD `read_time_ms` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `shards` ADD `batches` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `shards` ADD `bytes_written` integer DEFAULT 0 NOT NULL;