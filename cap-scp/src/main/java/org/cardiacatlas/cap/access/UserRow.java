package org.cardiacatlas.cap.access;

import java.time.LocalDateTime;

/** A row of pacs.cap_user. */
public final class UserRow {
    private Long pk;
    private String username;
    private String passwordHash;
    private String userRole;
    private String cohorts;
    private LocalDateTime createdTime;
    private LocalDateTime updatedTime;

    public Long getPk() {
        return pk;
    }

    public void setPk(Long pk) {
        this.pk = pk;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPasswordHash() {
        return passwordHash;
    }

    public void setPasswordHash(String passwordHash) {
        this.passwordHash = passwordHash;
    }

    public String getUserRole() {
        return userRole;
    }

    public void setUserRole(String userRole) {
        this.userRole = userRole;
    }

    public String getCohorts() {
        return cohorts;
    }

    public void setCohorts(String cohorts) {
        this.cohorts = cohorts;
    }

    public LocalDateTime getCreatedTime() {
        return createdTime;
    }

    public void setCreatedTime(LocalDateTime createdTime) {
        this.createdTime = createdTime;
    }

    public LocalDateTime getUpdatedTime() {
        return updatedTime;
    }

    public void setUpdatedTime(LocalDateTime updatedTime) {
        this.updatedTime = updatedTime;
    }
}
