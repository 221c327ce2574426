CREATE TABLE `remotes` (
	`alias` text PRIMARY KEY NOT NULL,
	`hosts` text NOT NULL,
	`auth` text NOT NULL,
	`tls` text NOT NULL,
	`source` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `replications` (
	`follower_index` text PRIMARY KEY NOT NULL,
	`leader_alias` text NOT NULL,
	`leader_index` text NOT NULL,
	`state` text NOT NULL,
	`reason` text,
	`settings` text NOT NULL,
	`use_roles` text,
	`leader_uuid` text NOT NULL,
	`follower_uuid` text,
	`shard_count` integer NOT NULL,
	`bootstrap` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `shards` (
	`follower_index` text NOT NULL,
	`shard` integer NOT NULL,
	`checkpoint` integer NOT NULL,
	`leader_checkpoint` integer NOT NULL,
	`ops_written` integer DEFAULT 0 NOT NULL,
	`conflicts` integer DEFAULT 0 NOT NULL,
	`failed_requests` integer DEFAULT 0 NOT NULL,
	`retries` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`write_time_ms` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`follower_index`, `shard`),
	FOREIGN KEY (`follower_index`) REFERENCES `replications`(`follower_index`) ON UPDATE no action ON DELETE cascade
);
